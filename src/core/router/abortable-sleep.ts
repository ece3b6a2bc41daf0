import { GatewayError } from '../errors.js';
import type { CancelSignal } from '../cancellation.js';

/** The error for a request whose client went away while the router was waiting or retrying. */
export function clientClosed(): GatewayError {
  return new GatewayError('client_closed_request', 'The client closed the request', {
    retryable: false,
  });
}

/**
 * Waits `ms` unless the request is aborted first (then rejects with client_closed_request), so
 * that a backoff or a wait for capacity never outlives the client that asked.
 */
export function abortableSleep(ms: number, signal: CancelSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(clientClosed());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(clientClosed());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
