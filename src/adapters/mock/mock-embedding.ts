import { tokenize } from './mock-text.js';

/**
 * A deterministic embedding by the hashing trick: each lower-cased token adds to one of `dims`
 * buckets, then the vector is L2-normalised. Texts sharing words get high cosine similarity, so
 * semantic-cache tests have something real to measure without a model.
 */
export function hashEmbedding(input: string | readonly number[], dims: number): number[] {
  const vector = new Array<number>(dims).fill(0);
  const tokens =
    typeof input === 'string' ? tokenize(input.toLowerCase()) : input.map((token) => String(token));
  for (const token of tokens) {
    const hash = fnv1a(token);
    const bucket = hash % dims;
    const sign = hash >>> 31 === 0 ? 1 : -1;
    vector[bucket] = (vector[bucket] ?? 0) + sign;
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  return vector.map((value) => value * scale);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
