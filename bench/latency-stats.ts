/** Percentiles over latency samples in milliseconds. */

/** Sorts a copy of the samples ascending, ready for {@link percentile}. */
export function sortedSamples(samples: readonly number[]): Float64Array {
  return Float64Array.from(samples).sort();
}

/**
 * Nearest-rank percentile (`p` in 0..100) of ascending samples; NaN when there are none.
 * Nearest-rank never interpolates, so a p99 is always a latency that was actually observed.
 */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Median of a few numbers (the per-round differences), averaging the middle two of an even count. */
export function median(values: readonly number[]): number {
  const sorted = sortedSamples(values);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** p50 and p99 of ascending samples. */
export interface Percentiles {
  p50: number;
  p99: number;
}

export function percentiles(sorted: Float64Array): Percentiles {
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}
