import type { GatewayError } from '../../core/errors.js';

/**
 * The one place `/v1/messages` errors are shaped for clients: Anthropic's error envelope
 * (https://docs.anthropic.com/en/api/errors), `{"type":"error","error":{"type","message"}}`, with
 * the same HTTP statuses as the OpenAI shim (the SDK picks its error class by status) and
 * Tollgate's details beside Anthropic's fields, as the OpenAI envelope carries them.
 */

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

export interface AnthropicErrorEnvelope {
  type: 'error';
  error: {
    type: AnthropicErrorType;
    message: string;
    /** Tollgate's error code, e.g. `model_not_found`, `upstream_rate_limited`. */
    code: string;
    layer: GatewayError['layer'];
    param?: string;
    provider?: string;
    upstream_status?: number;
    upstream_body?: string;
  };
  /** Tollgate's request id (also in the `request-id` header, which the SDK reads). */
  request_id?: string;
}

/** Anthropic's error type for a gateway error: by code where Anthropic has a closer name, else by status. */
export function anthropicErrorType(error: GatewayError): AnthropicErrorType {
  if (error.code === 'budget_exceeded') return 'billing_error';
  if (error.code === 'upstream_overloaded') return 'overloaded_error';
  if (error.code === 'request_timeout' || error.code === 'upstream_timeout') return 'timeout_error';
  switch (error.status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return error.status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

export function toAnthropicErrorEnvelope(
  error: GatewayError,
  requestId?: string,
): AnthropicErrorEnvelope {
  const body: AnthropicErrorEnvelope['error'] = {
    type: anthropicErrorType(error),
    message: error.message,
    code: error.code,
    layer: error.layer,
  };
  if (error.param !== undefined) body.param = error.param;
  if (error.layer === 'provider') {
    if (error.provider !== undefined) body.provider = error.provider;
    if (error.upstreamStatus !== undefined) body.upstream_status = error.upstreamStatus;
    if (error.upstreamBody !== undefined) body.upstream_body = error.upstreamBody;
  }
  return requestId === undefined
    ? { type: 'error', error: body }
    : { type: 'error', error: body, request_id: requestId };
}
