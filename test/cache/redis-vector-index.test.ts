import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { RedisCache } from '../../src/cache/redis-cache.js';
import { RedisVectorIndex } from '../../src/cache/redis-vector-index.js';
import { VectorFixtures } from '../support/vector-fixtures.js';
import { deleteKeys, redisAvailable, REDIS_URL, uniqueNamespace } from './support.js';

const available = await redisAvailable();

describe.skipIf(!available)('RedisVectorIndex on plain Redis', () => {
  const namespace = uniqueNamespace();
  const random = new VectorFixtures(7);
  const open: { close(): Promise<void> }[] = [];

  /** One gateway instance's view: its own connection and in-memory copy. */
  function instance(threshold = 0.9): { cache: RedisCache; index: RedisVectorIndex } {
    const cache = new RedisCache({ url: REDIS_URL, keyPrefix: namespace, logger: silentLogger });
    const index = new RedisVectorIndex({ cache, similarityThreshold: threshold });
    open.push(index, cache);
    return { cache, index };
  }

  async function store(
    into: { cache: RedisCache; index: RedisVectorIndex },
    entry: { partition: string; key: string; vector: Float32Array; ttlMs: number },
  ): Promise<void> {
    await into.cache.set(entry.key, `answer ${entry.key}`, entry.ttlMs);
    await into.index.add(entry.partition, entry.vector, { key: entry.key, ttlMs: entry.ttlMs });
  }

  afterEach(async () => {
    for (const closable of open.splice(0)) await closable.close();
  });
  afterAll(async () => {
    await deleteKeys(namespace);
  });

  it('shares vectors between instances at once, and with one started later', async () => {
    const first = instance();
    const second = instance();
    const base = random.unit(256);
    // The second instance has read the (empty) partition before the first one writes.
    expect(await second.index.nearest('shared', base)).toBeUndefined();
    await store(first, { partition: 'shared', key: 'a', vector: base, ttlMs: 60_000 });
    const seen = await second.index.nearest('shared', random.near(base, 0.95));
    expect(seen?.value).toBe('answer a');
    expect(seen?.similarity).toBeCloseTo(0.95, 4);
    const restarted = instance();
    expect((await restarted.index.nearest('shared', base))?.value).toBe('answer a');
    expect(await restarted.index.nearest('other', base)).toBeUndefined();
    expect(await restarted.index.nearest('shared', random.unit(256))).toBeUndefined();
  });

  it('loads a partition of thousands of entries in batches', async () => {
    const writer = instance();
    const vectors = Array.from({ length: 2_500 }, () => random.unit(64));
    for (const [key, vector] of vectors.entries())
      await writer.index.add('big', vector, { key: `k${key}`, ttlMs: 60_000 });
    const reader = new RedisVectorIndex({
      cache: writer.cache,
      similarityThreshold: 0.9,
      firstReadWaitMs: 10_000,
    });
    open.push(reader);
    await writer.cache.set('k2400', 'answer k2400', 60_000);
    expect((await reader.nearest('big', vectors[2400]!))?.value).toBe('answer k2400');
  });

  it('trims expired entries from the head of the stream', async () => {
    const writer = instance();
    for (let key = 0; key < 5; key += 1)
      await store(writer, {
        partition: 'trim',
        key: `old${key}`,
        vector: random.unit(64),
        ttlMs: 200,
      });
    await store(writer, { partition: 'trim', key: 'new', vector: random.unit(64), ttlMs: 60_000 });
    expect(await writer.cache.redis.xlen('sem:trim')).toBe(6);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reader = new RedisVectorIndex({
      cache: writer.cache,
      similarityThreshold: 0.9,
      trimIntervalMs: 0,
    });
    open.push(reader);
    await reader.nearest('trim', random.unit(64));
    expect(await writer.cache.redis.xlen('sem:trim')).toBe(1);
  });

  it('never serves an expired entry, and the stream itself expires', async () => {
    const writer = instance();
    const base = random.unit(256);
    await store(writer, { partition: 'brief', key: 'short', vector: base, ttlMs: 300 });
    await store(writer, {
      partition: 'brief',
      key: 'long',
      vector: random.near(base, 0.95),
      ttlMs: 1_500,
    });
    expect((await instance().index.nearest('brief', base))?.value).toBe('answer short');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await instance().index.nearest('brief', base))?.value).toBe('answer long');
    expect((await writer.index.nearest('brief', base))?.value).toBe('answer long');
    const ttl = await writer.cache.redis.pttl('sem:brief');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_500);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await writer.cache.redis.exists('sem:brief')).toBe(0);
    expect(await instance().index.nearest('brief', base)).toBeUndefined();
    expect(await writer.index.nearest('brief', base)).toBeUndefined();
  });
});
