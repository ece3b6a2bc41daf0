import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { CacheHealth, CacheStore } from './cache.js';

export interface RedisCacheOptions {
  /** `redis://[:password@]host:port[/db]`. */
  readonly url: string;
  /** Prefix of every key, so that several gateways or test runs share one Redis safely. */
  readonly keyPrefix: string;
  readonly logger: Logger;
  /** Milliseconds to establish a connection. */
  readonly connectTimeoutMs?: number | undefined;
  /** Milliseconds a command may take before the request treats it as a miss. */
  readonly commandTimeoutMs?: number | undefined;
  /** After a failure, Redis is skipped (instant misses) for this long before it is tried again. */
  readonly retryAfterMs?: number | undefined;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
const DEFAULT_COMMAND_TIMEOUT_MS = 250;
const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * The exact cache in Redis. An outage (refused, reset, or a silent black hole) degrades to
 * misses with one logged warning, and a readiness note until Redis answers again: a cache must
 * never fail a request. While degraded, commands are not even sent for `retryAfterMs`, so
 * requests do not each wait for a timeout.
 */
export class RedisCache implements CacheStore {
  readonly type = 'redis' as const;
  private readonly client: Redis;
  private readonly options: RedisCacheOptions;
  private degradedSince: number | undefined;
  private note: string | undefined;
  private retryAt = 0;
  /** Settles once the first connection is up or has had its chance (connect timeout). */
  private readonly firstConnect: Promise<void>;

  constructor(options: RedisCacheOptions) {
    this.options = options;
    this.client = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      // Fail fast instead of queueing while disconnected: the caller treats it as a miss.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // The ready check would wait forever on a black-holed connection; commands time out instead.
      enableReadyCheck: false,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    // Without a listener ioredis reports connection errors as unhandled 'error' events.
    this.client.on('error', (error: Error) => this.degrade(error));
    // Without an offline queue, commands sent while the first connection is being made would
    // fail; the first requests after start wait for it instead (bounded by the connect timeout).
    this.firstConnect = new Promise((resolve) => {
      const timer = setTimeout(resolve, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      timer.unref();
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async get(key: string): Promise<string | undefined> {
    await this.firstConnect;
    if (!this.worthTrying()) return undefined;
    try {
      const value = await this.client.get(key);
      this.recover();
      return value ?? undefined;
    } catch (error) {
      this.degrade(error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.firstConnect;
    if (ttlMs <= 0 || !this.worthTrying()) return;
    try {
      await this.client.set(key, value, 'PX', Math.ceil(ttlMs));
      this.recover();
    } catch (error) {
      this.degrade(error);
    }
  }

  /** Removes every key under this cache's prefix (tests clean up their namespace with it). */
  async clear(): Promise<void> {
    const pattern = `${this.options.keyPrefix}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      // SCAN returns full names; `del` would add the prefix again, so strip it.
      const names = keys.map((name) => name.slice(this.options.keyPrefix.length));
      if (names.length > 0) await this.client.del(...names);
    } while (cursor !== '0');
  }

  /** The underlying client, for the semantic index that keeps its vectors here. */
  get redis(): Redis {
    return this.client;
  }

  /**
   * For commands others send on `redis` (the semantic index): waits for the first connection
   * like `get` does, then says whether Redis is worth asking (not skipped after a failure).
   */
  async usable(): Promise<boolean> {
    await this.firstConnect;
    return this.worthTrying();
  }

  /** Reports the outcome of a command sent on `redis` by others, for the outage handling. */
  report(outcome: { error: unknown } | 'ok'): void {
    if (outcome === 'ok') this.recover();
    else this.degrade(outcome.error);
  }

  health(): CacheHealth {
    if (this.degradedSince === undefined) return { type: this.type, status: 'ok' };
    return { type: this.type, status: 'degraded', note: this.note };
  }

  async close(): Promise<void> {
    this.client.disconnect(false);
    return Promise.resolve();
  }

  /** False while Redis is skipped after a failure (until `retryAfterMs` has passed). */
  private worthTrying(): boolean {
    return this.degradedSince === undefined || Date.now() >= this.retryAt;
  }

  private degrade(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.retryAt = Date.now() + (this.options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
    if (message.includes('timed out')) {
      // A black hole keeps the socket open; reconnecting is the only way to notice recovery.
      this.client.disconnect(true);
    }
    if (this.degradedSince !== undefined) return;
    this.degradedSince = Date.now();
    this.note = `redis cache unavailable (${message}); serving misses`;
    this.options.logger.warn('redis cache unavailable: requests are served without it', {
      error: message,
    });
  }

  private recover(): void {
    if (this.degradedSince === undefined) return;
    this.degradedSince = undefined;
    this.note = undefined;
    this.options.logger.info('redis cache available again');
  }
}
