/**
 * mulberry32: a small deterministic generator of uniform numbers in [0, 1). For what must come
 * out the same in every process and release (the semantic cache's sketch rotation) and for
 * tests whose failures must replay. Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
