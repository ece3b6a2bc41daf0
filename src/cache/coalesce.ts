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
    if (this.maxWaiters === 0 || this.inFlight.has(key)) return work();
    const promise = work();
    const flight = { promise, waiters: 0 };
    this.inFlight.set(key, flight);
    const done = (): void => {
      if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
