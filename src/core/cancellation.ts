import { EventEmitter } from 'node:events';

/**
 * What the pipeline, the router and the adapters need of "the caller went away": the part of
 * AbortSignal they use. A real AbortSignal (GraphQL, tRPC, library callers) fits it; the REST
 * shim and every upstream call use a Cancellation instead.
 *
 * Why not AbortController everywhere: on Node 20, creating an AbortSignal makes V8 promote
 * the request's young objects to the old generation (about 1 KB per signal in the c1
 * benchmark), and two signals per request (the client's and the upstream deadline's) cost
 * about 50 µs of added latency per request in GC work. A Cancellation is a plain object.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * An abort source that is its own signal. It is an EventEmitter that emits `abort` once, which
 * undici accepts as a request `signal` as documented (`AbortSignal | EventEmitter`), and it
 * has the `addEventListener` / `removeEventListener` pair of CancelSignal (the listeners are the
 * emitter's `abort` listeners; abort fires at most once, so every listener is a once listener).
 */
export class Cancellation extends EventEmitter implements CancelSignal {
  private state: { reason: unknown } | undefined;

  get aborted(): boolean {
    return this.state !== undefined;
  }

  /** Undefined until aborted; then what `abort` was given. */
  get reason(): unknown {
    return this.state?.reason;
  }

  /** Aborts once; without a reason, with the AbortError DOMException AbortController uses. */
  abort(reason?: unknown): void {
    if (this.state !== undefined) return;
    this.state = {
      reason:
        reason === undefined
          ? new DOMException('This operation was aborted', 'AbortError')
          : reason,
    };
    this.emit('abort');
    this.removeAllListeners('abort');
  }

  addEventListener(type: 'abort', listener: () => void): void {
    this.on(type, listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    this.off(type, listener);
  }

  /** Aborts this cancellation when `source` aborts; returns the function that unlinks them. */
  follow(source: CancelSignal): () => void {
    if (source.aborted) {
      this.abort(source.reason);
      return noop;
    }
    const onAbort = (): void => this.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    return () => source.removeEventListener('abort', onAbort);
  }
}

function noop(): void {}

/** For calls nobody can cancel (start-up probes, trusted in-process work without a signal). */
export const NEVER_CANCELLED: CancelSignal = {
  aborted: false,
  reason: undefined,
  addEventListener: noop,
  removeEventListener: noop,
};
