import { mulberry32 } from '../../src/core/seeded-random.js';

/**
 * Random vectors for the semantic index tests: seeded, so a failure reproduces.
 */
export class VectorFixtures {
  /** Uniform in [0, 1). */
  readonly uniform: () => number;

  constructor(seed: number) {
    this.uniform = mulberry32(seed);
  }

  /** A random direction. */
  unit(dimensions: number): Float32Array {
    return unitOf(this.gaussians(dimensions));
  }

  /** Standard normals, two per Box–Muller draw. */
  gaussians(count: number): Float64Array {
    const values = new Float64Array(count);
    for (let index = 0; index < count; index += 2) {
      const radius = Math.sqrt(-2 * Math.log(Math.max(this.uniform(), 1e-12)));
      const angle = 2 * Math.PI * this.uniform();
      values[index] = radius * Math.cos(angle);
      if (index + 1 < count) values[index + 1] = radius * Math.sin(angle);
    }
    return values;
  }

  /** A hashing-trick-like sparse vector: `nonZero` buckets of ±1. */
  sparse(dimensions: number, nonZero: number): Float32Array {
    const values = new Float64Array(dimensions);
    for (let index = 0; index < nonZero; index += 1) {
      const bucket = Math.floor(this.uniform() * dimensions);
      values[bucket] = (values[bucket] ?? 0) + (this.uniform() < 0.5 ? -1 : 1);
    }
    if (values.every((value) => value === 0)) values[0] = 1;
    return unitOf(values);
  }

  /** A unit vector whose cosine similarity with the unit vector `base` is exactly `similarity`. */
  near(base: Float32Array, similarity: number): Float32Array {
    const noise = this.gaussians(base.length);
    let projection = 0;
    for (let index = 0; index < base.length; index += 1)
      projection += (noise[index] ?? 0) * (base[index] ?? 0);
    for (let index = 0; index < base.length; index += 1)
      noise[index] = (noise[index] ?? 0) - projection * (base[index] ?? 0);
    const orthogonal = unitOf(noise);
    const across = Math.sqrt(Math.max(0, 1 - similarity * similarity));
    return unitOf(
      Float64Array.from(
        { length: base.length },
        (_, index) => similarity * (base[index] ?? 0) + across * (orthogonal[index] ?? 0),
      ),
    );
  }
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += (a[index] ?? 0) * (b[index] ?? 0);
  return sum;
}

function unitOf(values: Float64Array): Float32Array {
  let norm = 0;
  for (const value of values) norm += value * value;
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm);
  return Float32Array.from(values, (value) => value * scale);
}
