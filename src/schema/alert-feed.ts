import type { AlertBus, BudgetAlert } from '../accounting/alert-bus.js';

/** Alerts a slow subscriber may fall behind by before the oldest are dropped. */
const MAX_QUEUED = 1000;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The alert bus (push) as an async iterator (pull) for one subscriber. It ends when the
 * subscriber stops (`return()`) or when `closing` aborts (server shutdown).
 */
export class AlertFeed implements AsyncIterableIterator<BudgetAlert> {
  private readonly queue: BudgetAlert[] = [];
  private waiting: ((result: IteratorResult<BudgetAlert>) => void) | undefined;
  private ended = false;
  private readonly unsubscribe: () => void;
  private readonly closing: AbortSignal;
  private readonly onClosing = (): void => this.end();

  constructor(
    alerts: AlertBus,
    options: { filter: (alert: BudgetAlert) => boolean; closing: AbortSignal },
  ) {
    this.closing = options.closing;
    this.unsubscribe = alerts.subscribe((alert) => {
      if (this.ended || !options.filter(alert)) return;
      const waiting = this.waiting;
      if (waiting !== undefined) {
        this.waiting = undefined;
        waiting({ done: false, value: alert });
        return;
      }
      if (this.queue.length >= MAX_QUEUED) this.queue.shift();
      this.queue.push(alert);
    });
    if (this.closing.aborted) this.end();
    else this.closing.addEventListener('abort', this.onClosing, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<BudgetAlert>> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve({ done: false, value: queued });
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<BudgetAlert>> {
    this.end();
    return Promise.resolve(DONE);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe();
    this.closing.removeEventListener('abort', this.onClosing);
    this.queue.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(DONE);
  }
}
