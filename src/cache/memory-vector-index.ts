import type { CacheStore } from './cache.js';
import type { SemanticIndex, SemanticMatch } from './semantic-index.js';

/** One partition's vectors, packed in one growing Float32Array (dot products stay cache-friendly). */
interface Partition {
  vectors: Float32Array;
  keys: string[];
  rows: Map<string, number>;
  dimensions: number;
}

/**
 * Brute-force nearest neighbour over unit vectors, in process memory, with the answers in the
 * exact-cache store (for `redis-semantic`: Redis, so expired answers simply miss).
 * Not yet mirrored to Redis: vectors are lost on restart (see the report on issue 7).
 */
export class MemoryVectorIndex implements SemanticIndex {
  private readonly partitions = new Map<string, Partition>();
  private readonly store: CacheStore;

  constructor(store: CacheStore) {
    this.store = store;
  }

  async nearest(partition: string, vector: Float32Array): Promise<SemanticMatch | undefined> {
    const found = this.search(partition, vector);
    if (found === undefined) return undefined;
    return { similarity: found.similarity, value: await this.store.get(found.key) };
  }

  /** The best match's key and similarity (synchronous: the benchmark measures this). */
  search(partition: string, vector: Float32Array): { key: string; similarity: number } | undefined {
    const stored = this.partitions.get(partition);
    if (stored === undefined || stored.dimensions !== vector.length) return undefined;
    const { vectors, keys, dimensions } = stored;
    let best = -1;
    let bestSimilarity = -Infinity;
    for (let row = 0; row < keys.length; row += 1) {
      const offset = row * dimensions;
      let dot = 0;
      for (let column = 0; column < dimensions; column += 1) {
        // In bounds by construction; `?? 0` here doubles the cost of the hot loop.
        dot += (vectors[offset + column] as number) * (vector[column] as number);
      }
      if (dot > bestSimilarity) {
        bestSimilarity = dot;
        best = row;
      }
    }
    const key = keys[best];
    return key === undefined ? undefined : { key, similarity: bestSimilarity };
  }

  add(partition: string, vector: Float32Array, entry: { key: string }): Promise<void> {
    let stored = this.partitions.get(partition);
    if (stored === undefined || stored.dimensions !== vector.length) {
      stored = {
        vectors: new Float32Array(vector.length * 16),
        keys: [],
        rows: new Map(),
        dimensions: vector.length,
      };
      this.partitions.set(partition, stored);
    }
    const existing = stored.rows.get(entry.key);
    const row = existing ?? stored.keys.length;
    if ((row + 1) * stored.dimensions > stored.vectors.length) {
      const grown = new Float32Array(stored.vectors.length * 2);
      grown.set(stored.vectors);
      stored.vectors = grown;
    }
    stored.vectors.set(vector, row * stored.dimensions);
    if (existing === undefined) {
      stored.rows.set(entry.key, row);
      stored.keys.push(entry.key);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.partitions.clear();
    return Promise.resolve();
  }
}
