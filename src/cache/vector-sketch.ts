/**
 * 256-bit sign sketches of unit vectors (SimHash), for the semantic cache's fast prefilter.
 *
 * The vector is zero-padded to a power of two n and rotated by (H·D₂)(H·D₁), where H is the
 * Walsh–Hadamard transform and Dᵢ a fixed random ±1 diagonal: two rounds, so that sparse vectors
 * (one-hot, hashing-trick embeddings) are spread over every coordinate too. Bit i of the sketch is
 * the sign of rotated coordinate i, that is the side of the hyperplane orthogonal to row i of an
 * orthogonal matrix. For two vectors at angle θ each bit differs with probability θ/π, so the
 * Hamming distance of their sketches estimates the angle; cost O(n log n) per vector, which keeps
 * sketching a 1536-dimension embedding at a few tens of microseconds.
 */

import { mulberry32 } from '../core/seeded-random.js';

/** 32-bit words per sketch. */
export const SKETCH_WORDS = 8;
/** Bits per sketch. */
export const SKETCH_BITS = SKETCH_WORDS * 32;
/** Stored with persisted sketches; change it whenever the rotation or bit layout changes. */
export const SKETCH_VERSION = 1;

/**
 * How many standard deviations of the Hamming distance above its expected value (at the
 * threshold angle) still count as a candidate. At 5σ a stored prompt exactly at the threshold is
 * missed with probability about 3·10⁻⁷ (normal approximation of the binomial).
 */
const RADIUS_SIGMAS = 5;

/** The ±1 diagonals for vectors padded to n, seeded by n so every process computes the same. */
const rotations = new Map<number, { first: Float64Array; second: Float64Array }>();

function rotationFor(size: number): { first: Float64Array; second: Float64Array } {
  let rotation = rotations.get(size);
  if (rotation === undefined) {
    const random = mulberry32(0x5eed ^ size);
    const signs = (): Float64Array =>
      Float64Array.from({ length: size }, () => (random() < 0.5 ? -1 : 1));
    rotation = { first: signs(), second: signs() };
    rotations.set(size, rotation);
  }
  return rotation;
}

/** The sketch of a vector (any length; it need not be normalised: only signs are kept). */
export function sketchVector(vector: Float32Array): Int32Array {
  const sketch = new Int32Array(SKETCH_WORDS);
  writeSketch(vector, sketch);
  return sketch;
}

/** Writes the sketch of `vector` into `target` at word `offset` (for packed tables). */
export function writeSketch(vector: Float32Array, target: Int32Array, offset = 0): void {
  let size = SKETCH_BITS;
  while (size < vector.length) size *= 2;
  const { first, second } = rotationFor(size);
  const work = new Float64Array(size);
  for (let index = 0; index < vector.length; index += 1)
    work[index] = (vector[index] as number) * (first[index] as number);
  hadamard(work);
  for (let index = 0; index < size; index += 1)
    work[index] = (work[index] as number) * (second[index] as number);
  hadamard(work);
  for (let word = 0; word < SKETCH_WORDS; word += 1) {
    let bits = 0;
    for (let bit = 0; bit < 32; bit += 1) {
      if ((work[word * 32 + bit] as number) > 0) bits |= 1 << bit;
    }
    target[offset + word] = bits;
  }
}

/**
 * The largest sketch Hamming distance at which a stored vector may still have cosine similarity
 * ≥ `threshold` with the query: the expected distance at the threshold angle plus 5σ.
 */
export function hammingRadius(threshold: number): number {
  const clamped = Math.min(1, Math.max(-1, threshold));
  const p = Math.acos(clamped) / Math.PI;
  const spread = Math.sqrt(SKETCH_BITS * p * (1 - p));
  // +2: float rounding can flip a bit whose coordinate is ~0 even for identical directions.
  return Math.min(SKETCH_BITS, Math.ceil(SKETCH_BITS * p + RADIUS_SIGMAS * spread) + 2);
}

/** Bits set in a 32-bit word (SWAR popcount). */
export function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** In-place unnormalised fast Walsh–Hadamard transform (length a power of two). */
function hadamard(values: Float64Array): void {
  const size = values.length;
  for (let half = 1; half < size; half *= 2) {
    for (let start = 0; start < size; start += half * 2) {
      for (let index = start; index < start + half; index += 1) {
        const a = values[index] as number;
        const b = values[index + half] as number;
        values[index] = a + b;
        values[index + half] = a - b;
      }
    }
  }
}
