import type { Tollgate } from '../tollgate.js';

/**
 * Completion streams in flight over tRPC, per gateway. Graceful shutdown waits for them after the
 * HTTP connections are gone: a stream cut by shutdown settles (cancelled, accounted) a little
 * after its connection closes, and its spend row must be written before the database closes.
 */
export class OpenStreams {
  private count = 0;
  private idleWaiters: Array<() => void> = [];

  /** Registers a stream; returns its (idempotent) end. */
  begin(): () => void {
    this.count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count -= 1;
      if (this.count === 0) this.wake();
    };
  }

  /** Resolves when no stream is open, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== wake);
        resolve();
      }, timeoutMs);
      this.idleWaiters.push(wake);
    });
  }

  private wake(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

const byGateway = new WeakMap<Tollgate, OpenStreams>();

/** The open streams of one gateway (procedures and the HTTP mount share them through this). */
export function openStreamsOf(tollgate: Tollgate): OpenStreams {
  let streams = byGateway.get(tollgate);
  if (streams === undefined) {
    streams = new OpenStreams();
    byGateway.set(tollgate, streams);
  }
  return streams;
}
