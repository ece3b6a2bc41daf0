import type { CacheStore } from './cache.js';
import type { SemanticIndex, SemanticMatch } from './semantic-index.js';
import { SketchTable } from './sketch-table.js';
import { hammingRadius, sketchVector } from './vector-sketch.js';

/** One stored prompt's vector. */
export interface StoredVector {
  /** The answer's exact-cache key. */
  readonly key: string;
  /** A unit vector. */
  readonly vector: Float32Array;
  /** Epoch milliseconds after which the entry is never served. */
  readonly expiresAt: number;
}

export interface MemoryVectorIndexOptions {
  /** Where the answers are (for `redis-semantic`: Redis, so an expired answer simply misses). */
  readonly store: CacheStore;
  /** `cache_params.similarity_threshold`: the prefilter keeps every row that may reach it. */
  readonly similarityThreshold: number;
  readonly now?: (() => number) | undefined;
}

/** Sketch candidates rescored exactly at most; beyond this the lookup scans every vector. */
const CANDIDATE_LIMIT = 256;

/** One partition's vectors: sketches for the prefilter, packed floats for exact rescoring. */
interface Partition {
  table: SketchTable;
  vectors: Float32Array;
  keys: string[];
  /** Live row of each key. */
  rows: Map<string, number>;
  readonly dimensions: number;
}

/**
 * Nearest neighbour over unit vectors in process memory. A lookup scans the 256-bit sketches
 * of the partition (vector-sketch.ts) for rows that can reach the similarity threshold, then
 * rescores those few exactly with the stored floats, so a hit is always decided on the exact
 * cosine similarity. When the sketch cannot prune (a low threshold), the lookup falls back to
 * an exact scan of every vector. Used by `redis-semantic` as the in-process copy of the vectors
 * kept in Redis (redis-vector-index.ts).
 */
export class MemoryVectorIndex implements SemanticIndex {
  private readonly partitions = new Map<string, Partition>();
  private readonly options: MemoryVectorIndexOptions;
  private readonly radius: number;
  private readonly now: () => number;

  constructor(options: MemoryVectorIndexOptions) {
    this.options = options;
    this.radius = hammingRadius(options.similarityThreshold);
    this.now = options.now ?? Date.now;
  }

  async nearest(partition: string, vector: Float32Array): Promise<SemanticMatch | undefined> {
    const found = this.search(partition, vector);
    if (found === undefined) return undefined;
    return { similarity: found.similarity, value: await this.options.store.get(found.key) };
  }

  add(
    partition: string,
    vector: Float32Array,
    entry: { key: string; ttlMs: number },
  ): Promise<void> {
    this.put(partition, { key: entry.key, vector, expiresAt: this.now() + entry.ttlMs });
    return Promise.resolve();
  }

  /** The best live match's key and exact similarity (synchronous: the benchmark measures it). */
  search(partition: string, vector: Float32Array): { key: string; similarity: number } | undefined {
    const stored = this.partitions.get(partitionKey(partition, vector.length));
    if (stored === undefined) return undefined;
    const now = this.now();
    const found = stored.table.candidates({
      sketch: sketchVector(vector),
      radius: this.radius,
      now,
      limit: CANDIDATE_LIMIT,
    });
    const best = found.overflow
      ? this.exactScan(stored, { vector, now })
      : rescore(stored, { vector, rows: found.rows });
    const key = best === undefined ? undefined : stored.keys[best.row];
    return key === undefined || best === undefined
      ? undefined
      : { key, similarity: best.similarity };
  }

  /** The exact nearest live row by brute force (the reference the fast path is tested against). */
  exactSearch(
    partition: string,
    vector: Float32Array,
  ): { key: string; similarity: number } | undefined {
    const stored = this.partitions.get(partitionKey(partition, vector.length));
    if (stored === undefined) return undefined;
    const best = this.exactScan(stored, { vector, now: this.now() });
    const key = best === undefined ? undefined : stored.keys[best.row];
    return key === undefined || best === undefined
      ? undefined
      : { key, similarity: best.similarity };
  }

  /** Stores (or replaces) a key's vector. */
  put(partition: string, entry: StoredVector): void {
    const name = partitionKey(partition, entry.vector.length);
    let stored = this.partitions.get(name);
    if (stored === undefined) {
      stored = emptyPartition(entry.vector.length);
      this.partitions.set(name, stored);
    }
    const previous = stored.rows.get(entry.key);
    if (previous !== undefined) stored.table.kill(previous);
    const row = stored.table.append(sketchVector(entry.vector), entry.expiresAt);
    if ((row + 1) * stored.dimensions > stored.vectors.length) {
      const grown = new Float32Array(stored.vectors.length * 2);
      grown.set(stored.vectors);
      stored.vectors = grown;
    }
    stored.vectors.set(entry.vector, row * stored.dimensions);
    stored.keys[row] = entry.key;
    stored.rows.set(entry.key, row);
    if (stored.table.sparse) this.partitions.set(name, this.rebuilt(stored));
  }

  close(): Promise<void> {
    this.partitions.clear();
    return Promise.resolve();
  }

  private exactScan(
    stored: Partition,
    query: { vector: Float32Array; now: number },
  ): { row: number; similarity: number } | undefined {
    const { vectors, dimensions, table } = stored;
    const { vector, now } = query;
    let best = -1;
    let bestSimilarity = -Infinity;
    for (let row = 0; row < table.size; row += 1) {
      if (!table.live(row, now)) continue;
      const similarity = dot(vectors, { offset: row * dimensions, vector });
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = row;
      }
    }
    return best < 0 ? undefined : { row: best, similarity: bestSimilarity };
  }

  /** A copy with only the rows still alive (dead rows outnumbered them). */
  private rebuilt(stored: Partition): Partition {
    const fresh = emptyPartition(stored.dimensions);
    const now = this.now();
    for (const [key, row] of stored.rows) {
      if (!stored.table.live(row, now)) continue;
      const offset = row * stored.dimensions;
      const vector = stored.vectors.slice(offset, offset + stored.dimensions);
      const target = fresh.table.append(sketchVector(vector), stored.table.expiresAt(row));
      if ((target + 1) * fresh.dimensions > fresh.vectors.length) {
        const grown = new Float32Array(fresh.vectors.length * 2);
        grown.set(fresh.vectors);
        fresh.vectors = grown;
      }
      fresh.vectors.set(vector, target * fresh.dimensions);
      fresh.keys[target] = key;
      fresh.rows.set(key, target);
    }
    return fresh;
  }
}

function partitionKey(partition: string, dimensions: number): string {
  return `${dimensions}/${partition}`;
}

function emptyPartition(dimensions: number): Partition {
  return {
    table: new SketchTable(),
    vectors: new Float32Array(dimensions * 16),
    keys: [],
    rows: new Map(),
    dimensions,
  };
}

function rescore(
  stored: Partition,
  query: { vector: Float32Array; rows: Int32Array },
): { row: number; similarity: number } | undefined {
  let best = -1;
  let bestSimilarity = -Infinity;
  for (const row of query.rows) {
    const similarity = dot(stored.vectors, {
      offset: row * stored.dimensions,
      vector: query.vector,
    });
    if (similarity > bestSimilarity) {
      bestSimilarity = similarity;
      best = row;
    }
  }
  return best < 0 ? undefined : { row: best, similarity: bestSimilarity };
}

function dot(vectors: Float32Array, at: { offset: number; vector: Float32Array }): number {
  const { offset, vector } = at;
  let sum = 0;
  for (let column = 0; column < vector.length; column += 1) {
    // In bounds by construction; `?? 0` here doubles the cost of the hot loop.
    sum += (vectors[offset + column] as number) * (vector[column] as number);
  }
  return sum;
}
