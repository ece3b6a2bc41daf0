import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerAll } from '../accounting/support.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import {
  cachedConfig,
  deleteKeys,
  redisAvailable,
  REDIS_URL,
  TcpProxy,
  uniqueNamespace,
} from './support.js';

const available = await redisAvailable();
const question = (text: string) => [{ role: 'user' as const, content: text }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function cacheHeader(
  gateway: TestGateway,
  content: string,
  extra: Record<string, unknown> = {},
) {
  const { response } = await gateway.openai.chat.completions
    .create({ model: 'chat', messages: question(content), ...extra })
    .withResponse();
  return response.headers.get('x-tollgate-cache');
}

describe.skipIf(!available)('exact cache on the real Redis', () => {
  const namespace = uniqueNamespace();
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway(
      cachedConfig(upstream, { type: 'redis', url: REDIS_URL, namespace, ttl: 0.4 }),
    );
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await deleteKeys(namespace);
  });
  beforeEach(() => {
    upstream.reset();
    answerAll(upstream);
  });

  it('misses, hits, and expires after the ttl', async () => {
    expect(await cacheHeader(gateway, 'redis question')).toBe('miss');
    expect(await cacheHeader(gateway, 'redis question')).toBe('hit');
    await sleep(600);
    expect(await cacheHeader(gateway, 'redis question')).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
    expect(gateway.tollgate.readiness().cache).toEqual({ type: 'redis', status: 'ok' });
  });

  it('honours no-cache, no-store and namespaces', async () => {
    await cacheHeader(gateway, 'redis controls');
    expect(await cacheHeader(gateway, 'redis controls', { cache: { 'no-cache': true } })).toBe(
      'miss',
    );
    expect(await cacheHeader(gateway, 'redis controls', { cache: { namespace: 'other' } })).toBe(
      'miss',
    );
    expect(await cacheHeader(gateway, 'redis controls', { cache: { namespace: 'other' } })).toBe(
      'hit',
    );
    await cacheHeader(gateway, 'redis unstored', { cache: { 'no-store': true } });
    expect(await cacheHeader(gateway, 'redis unstored')).toBe('miss');
    expect(upstream.requests).toHaveLength(5);
  });

  it('stores its keys under its namespace only', async () => {
    await cacheHeader(gateway, 'where are my keys');
    const { Redis } = await import('ioredis');
    const client = new Redis(REDIS_URL);
    try {
      const keys = await client.keys(`${namespace}*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.startsWith(namespace))).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});

describe.skipIf(!available)('a Redis outage through a TCP proxy the test owns', () => {
  const namespace = uniqueNamespace();
  let upstream: FakeUpstream;
  let proxy: TcpProxy;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    answerAll(upstream);
    proxy = await TcpProxy.start(REDIS_URL);
    gateway = await startTestGateway(
      cachedConfig(upstream, { type: 'redis', url: proxy.url, namespace }),
    );
  });
  afterAll(async () => {
    await gateway.close();
    await proxy.close();
    await upstream.close();
    await deleteKeys(namespace);
  });

  /** Retries until caching works again (the cache retries Redis at most once a second). */
  async function untilHit(content: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await cacheHeader(gateway, content);
      if ((await cacheHeader(gateway, content)) === 'hit') return;
      if (Date.now() > deadline) throw new Error('caching did not resume');
      await sleep(200);
    }
  }

  it('serves misses while Redis is cut or black-holed, and caches again once it is back', async () => {
    expect(await cacheHeader(gateway, 'before')).toBe('miss');
    expect(await cacheHeader(gateway, 'before')).toBe('hit');

    proxy.cut();
    for (let round = 0; round < 3; round += 1) {
      expect(await cacheHeader(gateway, 'before')).toBe('miss');
    }
    expect(gateway.tollgate.readiness().cache?.status).toBe('degraded');
    expect(gateway.tollgate.readiness().ready).toBe(true);

    proxy.blackhole();
    await sleep(1_100);
    const started = performance.now();
    for (let round = 0; round < 3; round += 1) {
      expect(await cacheHeader(gateway, 'during black hole')).toBe('miss');
    }
    // Command timeouts (250 ms) bound what a black hole can cost a request.
    expect(performance.now() - started).toBeLessThan(3 * 600);
    expect(gateway.tollgate.readiness().cache?.status).toBe('degraded');

    proxy.restore();
    await untilHit('after');
    expect(gateway.tollgate.readiness().cache).toEqual({ type: 'redis', status: 'ok' });
  }, 30_000);
});
