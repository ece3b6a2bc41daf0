/**
 * One error type for the whole gateway. Every failure becomes a GatewayError with a closed code,
 * the layer that failed and, for provider failures, the upstream's status and redacted body.
 * Transports shape it for their clients in one place each (OpenAI envelope, Anthropic envelope,
 * tRPC, GraphQL).
 */

/** Which layer failed (SPEC §3). */
export type ErrorLayer = 'client' | 'policy' | 'gateway' | 'provider';

/** OpenAI-style error `type`s the envelope uses. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_exceeded'
  | 'budget_exceeded'
  | 'timeout_error'
  | 'api_error';

interface CodeInfo {
  readonly status: number;
  readonly layer: ErrorLayer;
  readonly type: ErrorType;
}

/** The closed set of error codes, with the HTTP status, layer and envelope type of each. */
export const ERROR_CODES = {
  // client: the request itself is wrong
  invalid_json: { status: 400, layer: 'client', type: 'invalid_request_error' },
  invalid_request: { status: 400, layer: 'client', type: 'invalid_request_error' },
  unsupported_parameter: { status: 400, layer: 'client', type: 'invalid_request_error' },
  model_not_found: { status: 404, layer: 'client', type: 'not_found_error' },
  route_not_found: { status: 404, layer: 'client', type: 'not_found_error' },
  not_found: { status: 404, layer: 'client', type: 'not_found_error' },
  method_not_allowed: { status: 405, layer: 'client', type: 'invalid_request_error' },
  request_timeout: { status: 408, layer: 'client', type: 'timeout_error' },
  payload_too_large: { status: 413, layer: 'client', type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, layer: 'client', type: 'invalid_request_error' },
  client_closed_request: { status: 499, layer: 'client', type: 'invalid_request_error' },
  // policy: the gateway's rules refuse it
  missing_api_key: { status: 401, layer: 'policy', type: 'authentication_error' },
  invalid_api_key: { status: 401, layer: 'policy', type: 'authentication_error' },
  model_not_allowed: { status: 403, layer: 'policy', type: 'permission_error' },
  forbidden: { status: 403, layer: 'policy', type: 'permission_error' },
  rate_limit_exceeded: { status: 429, layer: 'policy', type: 'rate_limit_exceeded' },
  budget_exceeded: { status: 429, layer: 'policy', type: 'budget_exceeded' },
  // gateway: Tollgate itself failed
  internal_error: { status: 500, layer: 'gateway', type: 'api_error' },
  translation_error: { status: 500, layer: 'gateway', type: 'api_error' },
  no_healthy_deployment: { status: 503, layer: 'gateway', type: 'api_error' },
  shutting_down: { status: 503, layer: 'gateway', type: 'api_error' },
  // provider: the upstream said so (or failed to say anything)
  upstream_bad_request: { status: 400, layer: 'provider', type: 'invalid_request_error' },
  context_length_exceeded: { status: 400, layer: 'provider', type: 'invalid_request_error' },
  content_policy_violation: { status: 400, layer: 'provider', type: 'invalid_request_error' },
  upstream_auth_failed: { status: 502, layer: 'provider', type: 'api_error' },
  upstream_not_found: { status: 502, layer: 'provider', type: 'api_error' },
  upstream_rate_limited: { status: 429, layer: 'provider', type: 'rate_limit_exceeded' },
  upstream_overloaded: { status: 502, layer: 'provider', type: 'api_error' },
  upstream_error: { status: 502, layer: 'provider', type: 'api_error' },
  upstream_invalid_response: { status: 502, layer: 'provider', type: 'api_error' },
  upstream_connection_failed: { status: 502, layer: 'provider', type: 'api_error' },
  upstream_timeout: { status: 504, layer: 'provider', type: 'timeout_error' },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface GatewayErrorOptions {
  /** The request parameter at fault, for the envelope's `param`. */
  readonly param?: string | undefined;
  /** Provider name, for provider-layer errors. */
  readonly provider?: string | undefined;
  /** The upstream's HTTP status, when it answered. */
  readonly upstreamStatus?: number | undefined;
  /** The upstream's body, already redacted (see redactUpstreamBody). */
  readonly upstreamBody?: string | undefined;
  /** Overrides the retry decision derived from the status. */
  readonly retryable?: boolean | undefined;
  /** Seconds the client (or router) should wait before retrying. */
  readonly retryAfterSeconds?: number | undefined;
  /** Overrides the code's status (rarely needed). */
  readonly status?: number | undefined;
  readonly cause?: unknown;
}

function defaultRetryable(code: ErrorCode, upstreamStatus: number | undefined): boolean {
  const info: CodeInfo = ERROR_CODES[code];
  if (info.layer !== 'provider') return false;
  if (code === 'upstream_timeout' || code === 'upstream_connection_failed') return true;
  if (code === 'upstream_invalid_response') return true;
  const status = upstreamStatus ?? info.status;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly layer: ErrorLayer;
  readonly type: ErrorType;
  readonly param: string | undefined;
  readonly provider: string | undefined;
  readonly upstreamStatus: number | undefined;
  readonly upstreamBody: string | undefined;
  readonly isRetryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info: CodeInfo = ERROR_CODES[code];
    this.code = code;
    this.status = options.status ?? info.status;
    this.layer = info.layer;
    this.type = info.type;
    this.param = options.param;
    this.provider = options.provider;
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamBody = options.upstreamBody;
    this.isRetryable = options.retryable ?? defaultRetryable(code, options.upstreamStatus);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/**
 * Wraps anything thrown inside the gateway. A non-GatewayError is a bug in Tollgate: its message
 * is kept for the log but the client sees a generic one (no internals, no secrets).
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal_error', 'Internal gateway error', { cause: error });
}

/** The code for an upstream HTTP status, before provider-specific refinement of the body. */
export function codeForUpstreamStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'upstream_auth_failed';
  if (status === 404) return 'upstream_not_found';
  if (status === 408 || status === 504) return 'upstream_timeout';
  if (status === 429) return 'upstream_rate_limited';
  if (status === 529) return 'upstream_overloaded';
  if (status >= 500) return 'upstream_error';
  if (status >= 400) return 'upstream_bad_request';
  return 'upstream_invalid_response';
}

/** Parses a `Retry-After` header (seconds or HTTP date) into seconds. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
