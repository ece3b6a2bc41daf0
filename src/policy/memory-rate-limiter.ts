/**
 * In-memory rate limiter for one instance: requests per minute and tokens per minute over a
 * sliding 60 s window, and requests in flight, per subject (`key:<id>`, `team:<id>`, ...).
 *
 * Precision: each subject counts in 1 s buckets (see `subject-usage.ts`). A request or token
 * counts from its acquire until between 60 and 61 s later, so no 60 s interval ever holds more
 * than `rpm` requests or more than `tpm` tokens (as estimated at acquire, corrected by the
 * actual count on release). The price of never overshooting is that a saturated subject may
 * wait up to one bucket (1 s) longer than an exact sliding log would make it, so sustained
 * throughput is rpm per 60–61 s. `bucketMs` narrows that slack at the cost of up to 24 bytes
 * per non-empty bucket per busy subject.
 *
 * The specs are read on every call, never stored, so a changed key or team limit applies to
 * the next request. Subjects idle for more than two windows with nothing in flight are pruned
 * by a sweep that runs at most once per window, so distinct keys over time do not accumulate.
 */

import type {
  RateLimiter,
  RateLimitLease,
  RateLimitRejection,
  RateLimitSpec,
} from './rate-limiter.js';
import type { WindowLayout } from './subject-usage.js';
import { SubjectUsage } from './subject-usage.js';

const WINDOW_MS = 60_000;

export interface MemoryRateLimiterOptions {
  /** Clock in ms since the epoch; default `Date.now`. Tests inject a fake one. */
  readonly now?: (() => number) | undefined;
  /**
   * Width of one window bucket in ms, the precision of the window: default 1000. Must divide
   * 60 000.
   */
  readonly bucketMs?: number | undefined;
}

/** What `acquire` is asked: the subject's limits and the request's token estimate. */
export interface RateLimitRequest {
  readonly spec: RateLimitSpec;
  readonly estimatedTokens: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly now: () => number;
  private readonly layout: WindowLayout;
  private readonly subjects = new Map<string, SubjectUsage>();
  private nextSweepMs: number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    const bucketMs = options.bucketMs ?? 1000;
    if (!Number.isInteger(bucketMs) || bucketMs <= 0 || WINDOW_MS % bucketMs !== 0) {
      throw new RangeError(`bucketMs must be a positive divisor of ${WINDOW_MS}, got ${bucketMs}`);
    }
    this.now = options.now ?? Date.now;
    this.layout = { bucketMs, bucketCount: WINDOW_MS / bucketMs + 1 };
    this.nextSweepMs = this.now() + WINDOW_MS;
  }

  /** Subjects currently tracked (for metrics and tests). */
  get subjectCount(): number {
    return this.subjects.size;
  }

  acquire(subject: string, request: RateLimitRequest): MemoryRateLimitLease | RateLimitRejection {
    const { spec, estimatedTokens } = request;
    if (!Number.isFinite(estimatedTokens) || estimatedTokens < 0) {
      throw new RangeError(`estimatedTokens must be a finite number >= 0, got ${estimatedTokens}`);
    }
    const nowMs = this.now();
    if (nowMs >= this.nextSweepMs) this.sweep(nowMs);
    const usage = this.usageOf(subject, nowMs);
    // Check all three, then count all three; nothing in between yields, so this is atomic.
    if (
      (spec.rpm !== undefined && usage.requests + 1 > spec.rpm) ||
      (spec.tpm !== undefined && usage.tokens + estimatedTokens > spec.tpm) ||
      (spec.maxParallel !== undefined && usage.inFlight >= spec.maxParallel)
    ) {
      return this.reject(usage, request, nowMs);
    }
    return new MemoryRateLimitLease(usage, spec, estimatedTokens);
  }

  private usageOf(subject: string, nowMs: number): SubjectUsage {
    let usage = this.subjects.get(subject);
    if (usage === undefined) {
      usage = new SubjectUsage(this.layout, nowMs);
      this.subjects.set(subject, usage);
    } else {
      usage.advance(nowMs);
    }
    usage.lastAcquireMs = nowMs;
    return usage;
  }

  /**
   * Names the limit that refuses for longest: Retry-After should be when a retry can succeed,
   * so it is the latest of the refusing limits' waits.
   */
  private reject(
    usage: SubjectUsage,
    request: RateLimitRequest,
    nowMs: number,
  ): RateLimitRejection {
    const { spec, estimatedTokens } = request;
    const windowSeconds = WINDOW_MS / 1000;
    let limit: RateLimitRejection['limit'] = 'parallel';
    let retryAfterSeconds = 0;
    if (spec.tpm !== undefined && estimatedTokens > spec.tpm) {
      // No window will ever admit it; say so with a full window rather than a short retry loop.
      limit = 'tpm';
      retryAfterSeconds = windowSeconds;
    } else {
      if (spec.rpm !== undefined && usage.requests + 1 > spec.rpm) {
        const waitMs = usage.msUntilFreed('requests', usage.requests + 1 - spec.rpm, nowMs);
        limit = 'rpm';
        retryAfterSeconds = toRetrySeconds(waitMs);
      }
      if (spec.tpm !== undefined && usage.tokens + estimatedTokens > spec.tpm) {
        const waitMs = usage.msUntilFreed(
          'tokens',
          usage.tokens + estimatedTokens - spec.tpm,
          nowMs,
        );
        const seconds = toRetrySeconds(waitMs);
        if (seconds > retryAfterSeconds) {
          limit = 'tpm';
          retryAfterSeconds = seconds;
        }
      }
      if (spec.maxParallel !== undefined && usage.inFlight >= spec.maxParallel) {
        // A slot frees whenever any in-flight request ends, which we cannot foresee.
        retryAfterSeconds = Math.max(retryAfterSeconds, 1);
      }
    }
    return {
      ok: false,
      limit,
      retryAfterSeconds,
      remainingRequests: remaining(spec.rpm, usage.requests),
      remainingTokens: remaining(spec.tpm, usage.tokens),
    };
  }

  /** Drops subjects with nothing in flight and no acquire for over two windows. */
  private sweep(nowMs: number): void {
    const idleSinceMs = nowMs - 2 * WINDOW_MS;
    // Deleting the current entry while iterating a Map is safe and visits every other entry.
    for (const [subject, usage] of this.subjects) {
      if (usage.inFlight === 0 && usage.lastAcquireMs < idleSinceMs) this.subjects.delete(subject);
    }
    this.nextSweepMs = nowMs + WINDOW_MS;
  }
}

/**
 * A granted slot. `release` and `cancel` are idempotent: whichever comes first settles the
 * lease, later calls do nothing.
 */
export class MemoryRateLimitLease implements RateLimitLease {
  readonly ok = true;
  readonly remainingRequests: number | undefined;
  readonly remainingTokens: number | undefined;
  private readonly usage: SubjectUsage;
  private readonly bucket: number;
  private readonly estimatedTokens: number;
  private settled = false;

  /** Counts the request in `usage` (already slid to now and checked against `spec`). */
  constructor(usage: SubjectUsage, spec: RateLimitSpec, estimatedTokens: number) {
    this.usage = usage;
    this.estimatedTokens = estimatedTokens;
    this.bucket = usage.add(estimatedTokens);
    this.remainingRequests = remaining(spec.rpm, usage.requests);
    this.remainingTokens = remaining(spec.tpm, usage.tokens);
  }

  /**
   * Frees the parallel slot and replaces the estimate with `actualTokens` in the bucket it was
   * counted in. An actual that is not a finite number >= 0 (a provider that reported no
   * usage) leaves the estimate standing rather than corrupting the window.
   */
  release(actualTokens: number): void {
    if (this.settled) return;
    this.settled = true;
    const delta =
      Number.isFinite(actualTokens) && actualTokens >= 0 ? actualTokens - this.estimatedTokens : 0;
    this.usage.finish(this.bucket, delta, 0);
  }

  /**
   * Withdraws the request as if it had never been admitted: the request and its estimate leave
   * the window and the slot is freed. For a request refused by a later check (the key admitted
   * it, its team did not) that never reached the upstream. Not in `RateLimitLease` yet.
   */
  cancel(): void {
    if (this.settled) return;
    this.settled = true;
    this.usage.finish(this.bucket, -this.estimatedTokens, -1);
  }
}

function remaining(limit: number | undefined, used: number): number | undefined {
  return limit === undefined ? undefined : Math.max(0, Math.floor(limit - used));
}

/** Whole seconds, at least 1; a full window when the wait is unknowable (a limit of 0). */
function toRetrySeconds(waitMs: number | undefined): number {
  if (waitMs === undefined) return WINDOW_MS / 1000;
  return Math.max(1, Math.ceil(waitMs / 1000));
}
