import { describe, expect, it } from 'vitest';
import { VectorFixtures } from '../../test/support/vector-fixtures.js';
import { MemoryCache } from './memory-cache.js';
import { MemoryVectorIndex } from './memory-vector-index.js';

/**
 * The fast path (sketch prefilter + exact rescoring) against exact brute force on random data:
 * every query whose exact nearest neighbour reaches the threshold must get that same neighbour,
 * and nothing below the threshold is ever reported above it.
 */
function compareWithExact(setup: {
  dimensions: number;
  stored: number;
  threshold: number;
  sparse?: boolean;
}): { relevant: number; agreed: number } {
  const { dimensions, stored, threshold } = setup;
  const random = new VectorFixtures(dimensions * 7919 + Math.round(threshold * 100));
  const index = new MemoryVectorIndex({
    store: new MemoryCache({ maxBytes: 1024 }),
    similarityThreshold: threshold,
  });
  const make = (): Float32Array =>
    setup.sparse === true ? random.sparse(dimensions, 12) : random.unit(dimensions);
  const anchors: Float32Array[] = [];
  for (let row = 0; row < stored; row += 1) {
    const vector = make();
    if (row % 25 === 0) anchors.push(vector);
    index.put('p', { key: `k${row}`, vector, expiresAt: Infinity });
  }
  // Close rivals: a nearest neighbour must be told apart from a second one just behind it.
  for (const [at, anchor] of anchors.entries()) {
    index.put('p', {
      key: `rival${at}`,
      vector: random.near(anchor, threshold + (1 - threshold) * random.uniform()),
      expiresAt: Infinity,
    });
  }
  let relevant = 0;
  let agreed = 0;
  const queries = [
    ...anchors.map((anchor) =>
      random.near(anchor, threshold - 0.03 + (1.03 - threshold) * random.uniform()),
    ),
    ...Array.from({ length: 50 }, make),
  ];
  for (const query of queries) {
    const exact = index.exactSearch('p', query);
    const fast = index.search('p', query);
    if (exact !== undefined && exact.similarity >= threshold) {
      relevant += 1;
      if (fast?.key === exact.key) agreed += 1;
    } else {
      expect(fast === undefined || fast.similarity < threshold).toBe(true);
    }
    if (fast !== undefined) {
      // Whatever the fast path reports is an exact similarity, never more than the true best.
      expect(fast.similarity).toBeLessThanOrEqual((exact?.similarity ?? -1) + 1e-6);
    }
  }
  return { relevant, agreed };
}

describe('MemoryVectorIndex fast path against exact search', () => {
  it.each([
    { dimensions: 256, stored: 10_000, threshold: 0.95 },
    { dimensions: 256, stored: 10_000, threshold: 0.8 },
    { dimensions: 1536, stored: 3_000, threshold: 0.95 },
    { dimensions: 1536, stored: 3_000, threshold: 0.8 },
    { dimensions: 256, stored: 10_000, threshold: 0.8, sparse: true },
  ])(
    'recall ≥ 0.99 above the threshold: $dimensions dims, $stored stored, t=$threshold, sparse $sparse',
    (setup) => {
      const { relevant, agreed } = compareWithExact(setup);
      expect(relevant).toBeGreaterThan(setup.stored / 25 / 2);
      expect(agreed / relevant).toBeGreaterThanOrEqual(0.99);
    },
  );

  it('still finds the exact nearest when the threshold is too low for the sketch to prune', () => {
    const random = new VectorFixtures(11);
    const index = new MemoryVectorIndex({
      store: new MemoryCache({ maxBytes: 1024 }),
      similarityThreshold: 0,
    });
    for (let row = 0; row < 2_000; row += 1)
      index.put('p', { key: `k${row}`, vector: random.unit(64), expiresAt: Infinity });
    for (let query = 0; query < 20; query += 1) {
      const vector = random.unit(64);
      expect(index.search('p', vector)).toEqual(index.exactSearch('p', vector));
    }
  });
});

describe('MemoryVectorIndex entries', () => {
  const random = new VectorFixtures(3);

  it('never returns an expired entry, but the live one behind it', () => {
    let now = 1_000;
    const index = new MemoryVectorIndex({
      store: new MemoryCache({ maxBytes: 1024 }),
      similarityThreshold: 0.9,
      now: () => now,
    });
    const base = random.unit(256);
    index.put('p', { key: 'short', vector: base, expiresAt: 2_000 });
    index.put('p', { key: 'long', vector: random.near(base, 0.97), expiresAt: 5_000 });
    expect(index.search('p', base)?.key).toBe('short');
    now = 2_000;
    expect(index.search('p', base)?.key).toBe('long');
    now = 5_000;
    expect(index.search('p', base)).toBeUndefined();
  });

  it('replaces a key’s vector, keeps partitions and dimensions apart', () => {
    const index = new MemoryVectorIndex({
      store: new MemoryCache({ maxBytes: 1024 }),
      similarityThreshold: 0.9,
    });
    const first = random.unit(256);
    const second = random.unit(256);
    index.put('p', { key: 'k', vector: first, expiresAt: Infinity });
    index.put('p', { key: 'k', vector: second, expiresAt: Infinity });
    expect(index.search('p', first)).toBeUndefined();
    expect(index.search('p', second)?.key).toBe('k');
    expect(index.search('other', second)).toBeUndefined();
    expect(index.search('p', random.unit(128))).toBeUndefined();
  });

  it('drops dead rows once they outnumber live ones, and still answers', () => {
    const index = new MemoryVectorIndex({
      store: new MemoryCache({ maxBytes: 1024 }),
      similarityThreshold: 0.9,
    });
    const vectors = Array.from({ length: 10 }, () => random.unit(32));
    for (let round = 0; round < 400; round += 1) {
      for (const [key, vector] of vectors.entries())
        index.put('p', { key: `k${key}`, vector, expiresAt: Infinity });
    }
    for (const [key, vector] of vectors.entries())
      expect(index.search('p', vector)).toMatchObject({ key: `k${key}` });
  });
});
