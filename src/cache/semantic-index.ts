/** A stored prompt found near the one asked. */
export interface SemanticMatch {
  /** Cosine similarity, 1 for the same direction. */
  readonly similarity: number;
  /** The stored cache entry (encoded), or undefined when it has expired since. */
  readonly value: string | undefined;
}

/**
 * Nearest-neighbour search over the embeddings of stored prompts. Vectors are compared only
 * within one partition (model group, scope, namespace, tools and parameters: see
 * `semanticPartition`), so an answer never crosses them.
 */
export interface SemanticIndex {
  /** The nearest stored prompt of the partition, if any. */
  nearest(partition: string, vector: Float32Array): Promise<SemanticMatch | undefined>;
  /** Remembers a stored answer's prompt vector; `key` is the answer's exact-cache key. */
  add(
    partition: string,
    vector: Float32Array,
    entry: { key: string; value: string; ttlMs: number },
  ): Promise<void>;
  close(): Promise<void>;
}

/** Turns a prompt into a unit vector (through a configured embedding model). */
export type Embedder = (text: string) => Promise<Float32Array>;

/** Scales a vector to unit length, so that a dot product is the cosine similarity. */
export function normalize(values: readonly number[]): Float32Array {
  const vector = Float32Array.from(values);
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < vector.length; index += 1)
    vector[index] = (vector[index] ?? 0) * scale;
  return vector;
}
