import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { pricedConfig } from '../accounting/support.js';
import type { FakeUpstream } from '../support/fake-upstream.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A priced `chat` group on the fake upstream with the cache on. */
export function cachedConfig(
  upstream: FakeUpstream,
  cacheParams: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...pricedConfig(upstream),
    litellm_settings: { cache: true, cache_params: cacheParams },
  };
}

/**
 * A `chat` group and an `embedder` group on the fake upstream, with a sqlite-semantic cache that
 * embeds with `embedder` (threshold 0.8); `cacheParams` adds to or overrides the cache params.
 */
export function semanticConfig(
  upstream: FakeUpstream,
  cacheParams: Record<string, unknown> = {},
): Record<string, unknown> {
  const upstreamParams = { api_base: `${upstream.url}/v1`, api_key: 'sk-upstream-0123456789' };
  return {
    model_list: [
      { model_name: 'chat', litellm_params: { ...upstreamParams, model: 'openai/gpt-4o-mini' } },
      {
        model_name: 'embedder',
        litellm_params: { ...upstreamParams, model: 'openai/text-embedding-3-small' },
      },
    ],
    litellm_settings: {
      cache: true,
      cache_params: {
        type: 'sqlite-semantic',
        embedding_model: 'embedder',
        similarity_threshold: 0.8,
        ...cacheParams,
      },
    },
  };
}

/** A key prefix no other test run uses, so parallel files never collide. */
export function uniqueNamespace(): string {
  return `tollgate-test:${randomUUID()}:`;
}

/** Whether a Redis at `url` answers a PING within half a second (used by the benchmarks too). */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether the shared Redis answers. Tests that need it skip (with the reason printed) when it
 * does not, unless TOLLGATE_REQUIRE_SERVICES=1, where they must fail instead.
 */
export async function redisAvailable(): Promise<boolean> {
  if (await redisAnswers(REDIS_URL)) return true;
  if (process.env.TOLLGATE_REQUIRE_SERVICES === '1') {
    throw new Error(`Redis at ${REDIS_URL} is unreachable and TOLLGATE_REQUIRE_SERVICES=1`);
  }
  console.warn(`skipping Redis cache tests: Redis at ${REDIS_URL} is unreachable`);
  return false;
}

/** Deletes every key under a prefix (the test's own namespace). */
export async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

/**
 * A TCP proxy in front of the shared Redis that the test owns: `cut()` resets every connection
 * and refuses new ones, `blackhole()` accepts connections and drops every byte, `restore()`
 * forwards again. The shared Redis itself is never stopped.
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private mode: ProxyMode = 'forward';
  private readonly target: { host: string; port: number };

  private constructor(target: { host: string; port: number }) {
    this.target = target;
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return `redis://127.0.0.1:${address.port}`;
  }

  cut(): void {
    this.mode = 'refuse';
    this.destroyAll();
  }

  blackhole(): void {
    this.mode = 'blackhole';
    this.destroyAll();
  }

  restore(): void {
    this.mode = 'forward';
    // Black-holed connections stay dead, as after a real partition the peer has given up on them.
    this.destroyAll();
  }

  async close(): Promise<void> {
    this.destroyAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.mode === 'blackhole') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = createConnection(this.target);
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
