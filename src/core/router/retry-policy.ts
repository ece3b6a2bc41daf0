import type { ErrorCode, GatewayError } from '../errors.js';
import type { RetryPolicyKey, RouterPolicy, RouterTuning } from './router-options.js';

/**
 * The `retry_policy` kind of an error, after LiteLLM's exception classes: a context window
 * error is a kind of BadRequestError there; connection failures and unreadable answers are
 * counted with server errors. Gateway-side and client-side errors have no kind: they are never
 * retried, whatever the policy says.
 */
export function retryKind(code: ErrorCode): RetryPolicyKey | undefined {
  switch (code) {
    case 'upstream_bad_request':
    case 'context_length_exceeded':
      return 'BadRequestErrorRetries';
    case 'upstream_auth_failed':
      return 'AuthenticationErrorRetries';
    case 'upstream_timeout':
      return 'TimeoutErrorRetries';
    case 'upstream_rate_limited':
      return 'RateLimitErrorRetries';
    case 'content_policy_violation':
      return 'ContentPolicyViolationErrorRetries';
    case 'upstream_error':
    case 'upstream_overloaded':
    case 'upstream_connection_failed':
    case 'upstream_invalid_response':
      return 'InternalServerErrorRetries';
    default:
      return undefined;
  }
}

/**
 * How many retries a group grants after this error: the `retry_policy` entry for its kind when
 * there is one, else `num_retries` for retryable errors and none for the others.
 */
export function retriesFor(
  error: GatewayError,
  policy: Pick<RouterPolicy, 'numRetries' | 'retryPolicy'>,
): number {
  if (error.code === 'client_closed_request') return 0;
  const kind = retryKind(error.code);
  if (kind === undefined) return 0;
  const configured = policy.retryPolicy[kind];
  if (configured !== undefined) return configured;
  return error.isRetryable ? policy.numRetries : 0;
}

/**
 * Wait before retry number `retry` (0-based) on a deployment that already failed: exponential
 * backoff with jitter (50–100 % of the step, so that clients failing together do not retry
 * together), and at least the upstream's `Retry-After`. Undefined when that Retry-After is longer
 * than the router waits out itself: the failure then goes to the fallbacks or the client.
 */
export function retryDelayMs(
  retry: number,
  error: GatewayError,
  tuning: Pick<RouterTuning, 'initialBackoffMs' | 'maxBackoffMs' | 'maxRetryAfterMs' | 'random'>,
): number | undefined {
  const retryAfterMs = (error.retryAfterSeconds ?? 0) * 1000;
  if (retryAfterMs > tuning.maxRetryAfterMs) return undefined;
  const step = Math.min(tuning.maxBackoffMs, tuning.initialBackoffMs * 2 ** retry);
  return Math.max(retryAfterMs, step * (0.5 + tuning.random() * 0.5));
}
