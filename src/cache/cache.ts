/**
 * A response cache's storage: opaque string values under string keys, each with its own TTL.
 * `local` keeps them in process memory, `redis` in a shared Redis. Failures never reach a
 * request: a store that cannot answer reports a miss and says why in `health()`.
 */
export interface CacheStore {
  readonly type: 'local' | 'redis';
  /** The stored value, or undefined on a miss, an expired entry, or an unreachable backend. */
  get(key: string): Promise<string | undefined>;
  /** Stores a value for `ttlMs` milliseconds; a failure is logged and swallowed. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** For readiness: whether the backend answers, and a note when it does not. */
  health(): CacheHealth;
  close(): Promise<void>;
}

export interface CacheHealth {
  readonly type: string;
  readonly status: 'ok' | 'degraded';
  /** Why the cache is degraded (it then serves misses and requests still succeed). */
  readonly note?: string | undefined;
}
