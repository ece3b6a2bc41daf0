import type { ErrorCode, ErrorLayer, ErrorType, GatewayError } from '../core/errors.js';

/**
 * The gateway's own description of an error, carried in a tRPC error's `data.gateway`: the same
 * facts the REST shim puts in its OpenAI envelope (SPEC §3). Part of AppRouter's error shape, so
 * this file imports types from core/errors.ts only (which imports nothing).
 */
export interface GatewayErrorData {
  /** The gateway's error code, e.g. `budget_exceeded`, `model_not_found`, `upstream_timeout`. */
  readonly code: ErrorCode;
  /** The OpenAI-style error type, e.g. `rate_limit_exceeded`. */
  readonly type: ErrorType;
  /** Which layer failed: `client`, `policy`, `gateway` or `provider`. */
  readonly layer: ErrorLayer;
  /** The HTTP status the REST shim would answer with. */
  readonly status: number;
  /** The request field at fault, when one is. */
  readonly param: string | null;
  /** Whether the same request may succeed if sent again later. */
  readonly retryable: boolean;
  /** Seconds to wait before retrying (rate limits). */
  readonly retryAfterSeconds?: number;
  /** Provider-layer errors: the provider that failed. */
  readonly provider?: string;
  /** Provider-layer errors: the upstream's HTTP status. */
  readonly upstreamStatus?: number;
  /** Provider-layer errors: the upstream's body, redacted. */
  readonly upstreamBody?: string;
}

export function toGatewayErrorData(error: GatewayError): GatewayErrorData {
  const data: {
    -readonly [K in keyof GatewayErrorData]: GatewayErrorData[K];
  } = {
    code: error.code,
    type: error.type,
    layer: error.layer,
    status: error.status,
    param: error.param ?? null,
    retryable: error.isRetryable,
  };
  if (error.retryAfterSeconds !== undefined) data.retryAfterSeconds = error.retryAfterSeconds;
  // Upstream details are only meaningful (and only redacted) for provider-layer errors.
  if (error.layer === 'provider') {
    if (error.provider !== undefined) data.provider = error.provider;
    if (error.upstreamStatus !== undefined) data.upstreamStatus = error.upstreamStatus;
    if (error.upstreamBody !== undefined) data.upstreamBody = error.upstreamBody;
  }
  return data;
}
