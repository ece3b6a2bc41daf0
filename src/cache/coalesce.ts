/** The leader's side of an in-flight answer that arrives later than its call returns. */
export interface Flight<T> {
  /** Hands the answer to every waiter. */
  resolve(value: T): void;
  /** The leader got no answer to share: its waiters then call themselves. */
  fail(): void;
}

/**
 * Identical requests in flight at the same time: the first calls the provider, the others wait
 * for its answer instead of calling it N times. Bounded: past `maxWaiters` per key, requests
 * go to the provider themselves. A leader's failure is not shared: its waiters then call.
 */
export class Coalescer<T> {
  private readonly inFlight = new Map<string, { promise: Promise<T>; waiters: number }>();
  private readonly maxWaiters: number;

  constructor(maxWaiters: number) {
    this.maxWaiters = maxWaiters;
  }

  /** The in-flight work for `key` to wait on, or undefined when the caller must do the work. */
  join(key: string): Promise<T> | undefined {
    const flight = this.inFlight.get(key);
    if (flight === undefined || flight.waiters >= this.maxWaiters) return undefined;
    flight.waiters += 1;
    return flight.promise;
  }

  /** Runs `work` as the leader for `key`, unless another leader already runs it. */
  lead(key: string, work: () => Promise<T>): Promise<T> {
    const flight = this.begin(key);
    const promise = work();
    if (flight !== undefined)
      promise.then(
        (value) => flight.resolve(value),
        () => flight.fail(),
      );
    return promise;
  }

  /**
   * Makes the caller the leader for `key` when nobody leads it yet, for work whose answer comes
   * after its call returns (a stream is complete only at its end). The leader must settle it.
   */
  begin(key: string): Flight<T> | undefined {
    if (this.maxWaiters === 0 || this.inFlight.has(key)) return undefined;
    const settle: { resolve?: (value: T) => void; reject?: (error: Error) => void } = {};
    const promise = new Promise<T>((resolve, reject) => {
      settle.resolve = resolve;
      settle.reject = reject;
    });
    const flight = { promise, waiters: 0 };
    this.inFlight.set(key, flight);
    const done = (): void => {
      if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
    };
    // Also marks a failure nobody waits for as handled.
    promise.then(done, done);
    return {
      resolve: (value) => settle.resolve?.(value),
      fail: () => settle.reject?.(new Error('the leading request got no answer to share')),
    };
  }

  get size(): number {
    return this.inFlight.size;
  }
}
