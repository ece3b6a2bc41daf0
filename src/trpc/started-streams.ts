import type { Tollgate } from '../tollgate.js';

/** How long a stream's idempotency key is remembered: far longer than any reconnect delay. */
const RETENTION_MS = 10 * 60_000;
/** Keys remembered at most (the oldest are forgotten first), so memory stays bounded. */
const MAX_KEYS = 100_000;

/**
 * Idempotency keys of the completion streams started over tRPC, per gateway. A client that sends
 * one (`Idempotency-Key`, which clients/ts sets per subscription) can never have the same
 * completion started twice, even when its connection dropped before the first event, when no
 * event id exists yet to recognise the reconnect by.
 */
export class StartedStreams {
  /** Scoped key → when it was claimed; insertion order is age order. */
  private readonly claimed = new Map<string, number>();

  /** True the first time a key is claimed (within the retention), false after. */
  claim(key: string, now = Date.now()): boolean {
    this.forgetOld(now);
    if (this.claimed.has(key)) return false;
    this.claimed.set(key, now);
    return true;
  }

  private forgetOld(now: number): void {
    for (const [key, claimedAt] of this.claimed) {
      if (now - claimedAt < RETENTION_MS && this.claimed.size < MAX_KEYS) return;
      this.claimed.delete(key);
    }
  }
}

const byGateway = new WeakMap<Tollgate, StartedStreams>();

export function startedStreamsOf(tollgate: Tollgate): StartedStreams {
  let streams = byGateway.get(tollgate);
  if (streams === undefined) {
    streams = new StartedStreams();
    byGateway.set(tollgate, streams);
  }
  return streams;
}
