import { GatewayError } from '../core/errors.js';

/**
 * Subscriptions in flight on one server. Chat streams are drained at shutdown like REST
 * streams (bounded); alert feeds never end by themselves, so they end when shutdown begins.
 */
export class ActiveSubscriptions {
  private readonly closingController = new AbortController();
  private streams = 0;
  private idleWaiters: Array<() => void> = [];

  /** Aborted when shutdown begins: feeds end, new streams are refused. */
  get closing(): AbortSignal {
    return this.closingController.signal;
  }

  /** Chat streams in flight. */
  get activeStreams(): number {
    return this.streams;
  }

  /** Registers a chat stream; returns its (idempotent) end. Refused once shutdown has begun. */
  beginStream(): () => void {
    if (this.closing.aborted) {
      throw new GatewayError('shutting_down', 'The gateway is shutting down');
    }
    this.streams += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.streams -= 1;
      if (this.streams === 0) this.wakeIdle();
    };
  }

  close(): void {
    this.closingController.abort();
  }

  /** Resolves when no chat stream is in flight, or after `timeoutMs`; true when idle. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.streams === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== wake);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(wake);
    });
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
