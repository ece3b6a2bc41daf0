/**
 * Usage of one rate-limit subject: requests and tokens counted in fixed-width time buckets that
 * make up a sliding window, plus the requests in flight.
 *
 * The window spans one bucket more than its length (61 buckets of 1 s for 60 s), so a bucket
 * leaves only once all of it is older than the window: something counted at time t stops
 * counting between t + window and t + window + bucket. That errs on the safe side: no
 * window-length interval ever holds more than the limit, at the cost of a wait at most one
 * bucket longer than an exact sliding log would impose.
 *
 * Only non-empty buckets are stored, oldest first, so a subject costs memory in proportion to
 * how busy it is (a key seen once a minute holds one bucket, not 61). Running totals keep every
 * check O(1); each bucket is appended once and dropped once, so sliding is amortised O(1).
 */

/** Shape of the window, shared by every subject of one limiter. */
export interface WindowLayout {
  /** Width of one bucket in ms. */
  readonly bucketMs: number;
  /** Buckets a window spans: window / bucket + 1. */
  readonly bucketCount: number;
}

/** Which counter a question is about. */
export type UsageKind = 'requests' | 'tokens';

/** Entries are flat triples: bucket index, requests, tokens. */
const STRIDE = 3;
const REQUESTS = 1;
const TOKENS = 2;
/** Dropped entries are compacted away once they are this many numbers and half the array. */
const COMPACT_AFTER = 16 * STRIDE;

export class SubjectUsage {
  /** Requests counted in the window (the sum over its buckets). */
  requests = 0;
  /** Tokens counted in the window: estimates, replaced by actuals on release. */
  tokens = 0;
  /** Leases handed out and not yet settled. */
  inFlight = 0;
  /** Clock time of the last acquire, so the limiter can prune idle subjects. */
  lastAcquireMs: number;
  /** Absolute index (time / bucketMs) of the newest bucket; never moves back. */
  private head: number;
  /** Non-empty buckets, oldest first, as triples from `start` on (numbers before it are dead). */
  private readonly entries: number[] = [];
  private start = 0;
  private readonly layout: WindowLayout;

  constructor(layout: WindowLayout, nowMs: number) {
    this.layout = layout;
    this.head = Math.floor(nowMs / layout.bucketMs);
    this.lastAcquireMs = nowMs;
  }

  /**
   * Slides the window to `nowMs`, dropping the buckets that left it. A clock that steps back
   * (NTP) keeps the newest bucket rather than reopening old ones.
   */
  advance(nowMs: number): void {
    const bucket = Math.floor(nowMs / this.layout.bucketMs);
    if (bucket <= this.head) return;
    this.head = bucket;
    const oldest = bucket - this.layout.bucketCount;
    const entries = this.entries;
    let start = this.start;
    while (start < entries.length && entries[start]! <= oldest) {
      this.requests -= entries[start + REQUESTS]!;
      this.tokens -= entries[start + TOKENS]!;
      start += STRIDE;
    }
    if (start === entries.length) {
      // Empty: restart from exact zeros rather than carry rounding from the subtractions.
      entries.length = 0;
      this.start = 0;
      this.requests = 0;
      this.tokens = 0;
    } else if (start >= COMPACT_AFTER && start * 2 >= entries.length) {
      entries.copyWithin(0, start);
      entries.length -= start;
      this.start = 0;
    } else {
      this.start = start;
    }
  }

  /** Counts one request with its token estimate in the newest bucket; returns that bucket. */
  add(estimatedTokens: number): number {
    const entries = this.entries;
    const last = entries.length - STRIDE;
    if (last >= this.start && entries[last] === this.head) {
      entries[last + REQUESTS]! += 1;
      entries[last + TOKENS]! += estimatedTokens;
    } else {
      entries.push(this.head, 1, estimatedTokens);
    }
    this.requests += 1;
    this.tokens += estimatedTokens;
    this.inFlight += 1;
    return this.head;
  }

  /**
   * Ends a request: frees its parallel slot and adds `tokenDelta` to the bucket it was counted
   * in, unless that bucket has already left the window (its tokens no longer count anyway).
   * `requestDelta` is 0 for a completed request and -1 for one that is withdrawn.
   */
  finish(bucket: number, tokenDelta: number, requestDelta: 0 | -1): void {
    this.inFlight -= 1;
    const entries = this.entries;
    // Most requests end within seconds, so their bucket is found near the end.
    for (let i = entries.length - STRIDE; i >= this.start; i -= STRIDE) {
      const candidate = entries[i]!;
      if (candidate < bucket) return;
      if (candidate === bucket) {
        entries[i + TOKENS]! += tokenDelta;
        entries[i + REQUESTS]! += requestDelta;
        this.tokens += tokenDelta;
        this.requests += requestDelta;
        return;
      }
    }
  }

  /**
   * Milliseconds from `nowMs` until at least `amount` of `kind` has slid out of the window, or
   * undefined when the whole window holds less than that.
   */
  msUntilFreed(kind: UsageKind, amount: number, nowMs: number): number | undefined {
    const entries = this.entries;
    const offset = kind === 'requests' ? REQUESTS : TOKENS;
    let freed = 0;
    for (let i = this.start; i < entries.length; i += STRIDE) {
      freed += entries[i + offset]!;
      // Bucket b leaves the window when the newest bucket becomes b + bucketCount.
      if (freed >= amount)
        return (entries[i]! + this.layout.bucketCount) * this.layout.bucketMs - nowMs;
    }
    return undefined;
  }
}
