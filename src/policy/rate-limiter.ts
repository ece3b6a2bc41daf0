/**
 * Rate limits per key, per team and per deployment: requests per minute, tokens per minute and
 * in-flight requests. This interface is what the pipeline uses; the in-memory implementation
 * serves one instance, a Redis one will serve several (scale-out) behind the same interface.
 */

export interface RateLimitSpec {
  /** Requests per minute; undefined = unlimited. */
  readonly rpm?: number | undefined;
  /** Tokens (prompt + completion) per minute; undefined = unlimited. */
  readonly tpm?: number | undefined;
  /** Requests in flight at once; undefined = unlimited. */
  readonly maxParallel?: number | undefined;
}

/** A granted slot: must be released exactly once, with the tokens actually used. */
export interface RateLimitLease {
  readonly ok: true;
  /** Requests left in the current window after this one (undefined when rpm is unlimited). */
  readonly remainingRequests: number | undefined;
  /** Tokens left in the current window after the estimate (undefined when tpm is unlimited). */
  readonly remainingTokens: number | undefined;
  /** Frees the parallel slot and replaces the token estimate with the actual count. */
  release(actualTokens: number): void;
  /** Undoes the acquire entirely (request, tokens, slot): for a request refused by a later check. */
  cancel(): void;
}

export interface RateLimitRejection {
  readonly ok: false;
  /** Which limit refused: for the error message. */
  readonly limit: 'rpm' | 'tpm' | 'parallel';
  /** Seconds until a retry can succeed (for Retry-After), at least 1. */
  readonly retryAfterSeconds: number;
  readonly remainingRequests: number | undefined;
  readonly remainingTokens: number | undefined;
}

export interface RateLimiter {
  /**
   * Checks and takes a slot for `subject` (e.g. `key:<id>`, `team:<id>`) atomically: either all
   * of rpm, tpm (with `estimatedTokens`) and parallel admit it and are counted, or none is.
   */
  acquire(
    subject: string,
    request: { spec: RateLimitSpec; estimatedTokens: number },
  ): RateLimitLease | RateLimitRejection;
}
