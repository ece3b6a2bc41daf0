import { popcount, SKETCH_WORDS } from './vector-sketch.js';

/** Options of one prefilter scan. */
export interface CandidateQuery {
  /** The query's sketch. */
  readonly sketch: Int32Array;
  /** Rows farther than this (in sketch bits) cannot reach the similarity threshold. */
  readonly radius: number;
  /** Rows that expire at or before this time are skipped. */
  readonly now: number;
  /** At most this many candidates; more means the sketch cannot prune (see `overflow`). */
  readonly limit: number;
}

/** Rows within the radius, nearest sketch first, or `overflow` when there were more than `limit`. */
export type Candidates =
  { readonly rows: Int32Array; readonly overflow: false } | { overflow: true };

/**
 * One partition's sketches, packed in one growing Int32Array with each row's expiry beside it.
 * Rows are appended and never move; a dead row (replaced or expired) is skipped by `candidates`
 * and dropped when the owner rebuilds the table.
 */
export class SketchTable {
  private sketches = new Int32Array(SKETCH_WORDS * 64);
  private expiries = new Float64Array(64);
  private count = 0;
  private dead = 0;

  /** Rows appended so far, dead or alive. */
  get size(): number {
    return this.count;
  }

  /** Whether dead rows outnumber live ones (then the owner should rebuild). */
  get sparse(): boolean {
    return this.dead > 1024 && this.dead * 2 > this.count;
  }

  /** Appends a row and returns its number. */
  append(sketch: Int32Array, expiresAt: number): number {
    const row = this.count;
    if (row === this.expiries.length) {
      const sketches = new Int32Array(this.sketches.length * 2);
      sketches.set(this.sketches);
      this.sketches = sketches;
      const expiries = new Float64Array(this.expiries.length * 2);
      expiries.set(this.expiries);
      this.expiries = expiries;
    }
    this.sketches.set(sketch.subarray(0, SKETCH_WORDS), row * SKETCH_WORDS);
    this.expiries[row] = expiresAt;
    this.count += 1;
    return row;
  }

  /** Marks a row dead (replaced by a newer entry for the same key). */
  kill(row: number): void {
    if (row >= this.count || this.expiries[row] === 0) return;
    this.expiries[row] = 0;
    this.dead += 1;
  }

  /** Whether a row is alive at `now`. */
  live(row: number, now: number): boolean {
    return row < this.count && (this.expiries[row] as number) > now;
  }

  /** A row's expiry (epoch ms; 0 once dead). */
  expiresAt(row: number): number {
    return row < this.count ? (this.expiries[row] as number) : 0;
  }

  /** The scan: every live row whose sketch is within `radius` bits of the query's. */
  candidates(query: CandidateQuery): Candidates {
    const { sketch, radius, now, limit } = query;
    const sketches = this.sketches;
    const expiries = this.expiries;
    // SKETCH_WORDS is 8: the scan below is unrolled for it.
    const q0 = sketch[0] as number;
    const q1 = sketch[1] as number;
    const q2 = sketch[2] as number;
    const q3 = sketch[3] as number;
    const q4 = sketch[4] as number;
    const q5 = sketch[5] as number;
    const q6 = sketch[6] as number;
    const q7 = sketch[7] as number;
    const rows: number[] = [];
    const distances: number[] = [];
    for (let row = 0, offset = 0; row < this.count; row += 1, offset += SKETCH_WORDS) {
      // Unrolled over the 8 words: this loop is the whole cost of a lookup.
      const distance =
        popcount((sketches[offset] as number) ^ q0) +
        popcount((sketches[offset + 1] as number) ^ q1) +
        popcount((sketches[offset + 2] as number) ^ q2) +
        popcount((sketches[offset + 3] as number) ^ q3) +
        popcount((sketches[offset + 4] as number) ^ q4) +
        popcount((sketches[offset + 5] as number) ^ q5) +
        popcount((sketches[offset + 6] as number) ^ q6) +
        popcount((sketches[offset + 7] as number) ^ q7);
      if (distance > radius || (expiries[row] as number) <= now) continue;
      if (rows.length === limit) return { overflow: true };
      rows.push(row);
      distances.push(distance);
    }
    const order = rows.map((_, index) => index);
    order.sort((a, b) => (distances[a] as number) - (distances[b] as number));
    return { rows: Int32Array.from(order, (index) => rows[index] as number), overflow: false };
  }
}
