import {
  GatewayError,
  codeForUpstreamStatus,
  parseRetryAfter,
  type ErrorCode,
} from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { redactSecrets, redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamJsonResponse, UpstreamTarget } from '../../core/upstream-http.js';
import { anthropicErrorBodySchema, type AnthropicErrorDetail } from './anthropic-api.js';

/**
 * Anthropic errors (https://docs.anthropic.com/en/api/errors) → GatewayError. The body is
 * `{"type":"error","error":{"type","message"},"request_id"}`, over HTTP and as the stream's
 * `error` event. The HTTP status gives the base code; the error type and message refine it:
 *
 * | Anthropic                                  | code                       |
 * | 400 invalid_request_error, "prompt is too long" / context window | context_length_exceeded |
 * | 400 invalid_request_error, content filtering policy             | content_policy_violation |
 * | 401 authentication_error, 403 permission_error                  | upstream_auth_failed (502) |
 * | 429 rate_limit_error                                            | upstream_rate_limited (retryable) |
 * | 500 api_error                                                   | upstream_error (retryable) |
 * | 529 overloaded_error                                            | upstream_overloaded (retryable) |
 *
 * In a stream there is no status: the error type alone decides.
 */

const MAX_MESSAGE_CHARS = 500;

function describeBody(text: string): AnthropicErrorDetail | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  const body = anthropicErrorBodySchema.safeParse(parsed.value);
  return body.success ? body.data.error : undefined;
}

/**
 * Anthropic says "prompt is too long: 208310 tokens > 200000 maximum"; a request whose input
 * plus max_tokens overflows says "input length and `max_tokens` exceed context limit".
 */
function isContextLengthError(message: string): boolean {
  return /prompt is too long|exceed(?:s|ed)? (?:the )?context (?:limit|window)|context window/i.test(
    message,
  );
}

function isContentFilterError(message: string): boolean {
  return /content filtering policy|usage policy/i.test(message);
}

function refineBadRequest(detail: AnthropicErrorDetail | undefined): ErrorCode {
  const message = detail?.message ?? '';
  if (isContextLengthError(message)) return 'context_length_exceeded';
  if (isContentFilterError(message)) return 'content_policy_violation';
  return 'upstream_bad_request';
}

/** The code an error type stands for, where there is no HTTP status (stream `error` events). */
function codeForErrorType(detail: AnthropicErrorDetail): ErrorCode {
  switch (detail.type) {
    case 'invalid_request_error':
    case 'request_too_large':
      return refineBadRequest(detail);
    case 'authentication_error':
    case 'permission_error':
    case 'billing_error':
      return 'upstream_auth_failed';
    case 'not_found_error':
      return 'upstream_not_found';
    case 'rate_limit_error':
      return 'upstream_rate_limited';
    case 'overloaded_error':
      return 'upstream_overloaded';
    case 'timeout_error':
      return 'upstream_timeout';
    default:
      return 'upstream_error';
  }
}

function quote(detail: AnthropicErrorDetail | undefined, target: UpstreamTarget): string {
  const message = detail?.message;
  if (message == null || message === '') return '';
  const clipped =
    message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  return `: ${redactSecrets(clipped, target.secrets)}`;
}

/** The GatewayError for a non-2xx answer. */
export function mapAnthropicHttpError(
  response: UpstreamJsonResponse,
  target: UpstreamTarget,
): GatewayError {
  const detail = describeBody(response.text);
  let code = codeForUpstreamStatus(response.status);
  if (code === 'upstream_bad_request') code = refineBadRequest(detail);
  // 529 is Anthropic's "overloaded"; some proxies relay it as a 503 with the same body.
  if (detail?.type === 'overloaded_error' && response.status >= 500) code = 'upstream_overloaded';
  const what =
    code === 'upstream_auth_failed'
      ? `${target.provider} rejected the gateway's upstream credentials (HTTP ${response.status})`
      : `${target.provider} returned HTTP ${response.status}`;
  return new GatewayError(code, `${what}${quote(detail, target)}`, {
    provider: target.provider,
    upstreamStatus: response.status,
    upstreamBody: redactUpstreamBody(response.text, target.secrets),
    retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
  });
}

/** The GatewayError for an `error` event inside a 200 stream; `raw` is the event's data. */
export function mapAnthropicStreamError(raw: string, target: UpstreamTarget): GatewayError {
  const detail = describeBody(raw) ?? { type: undefined, message: undefined };
  const code = codeForErrorType(detail);
  return new GatewayError(
    code,
    `${target.provider} reported an error in the stream${quote(detail, target)}`,
    {
      provider: target.provider,
      upstreamBody: redactUpstreamBody(raw, target.secrets),
      // Overloaded and api errors mid-stream are transient (the HTTP status would be 529/500).
      retryable:
        code === 'upstream_overloaded' ||
        code === 'upstream_error' ||
        code === 'upstream_rate_limited' ||
        code === 'upstream_timeout',
    },
  );
}
