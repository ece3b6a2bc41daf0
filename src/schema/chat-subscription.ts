import type { ChatChunk } from '../core/chat-chunk.js';
import type { ChatStream } from '../core/chat-stream.js';
import type { GatewayError } from '../core/errors.js';
import type { RequestContext } from '../core/request-context.js';
import { parseChatRequest, type Tollgate } from '../tollgate.js';
import type { ActiveSubscriptions } from './active-subscriptions.js';
import { toChatRequestBody, type ChatCompletionInputShape } from './chat-request-body.js';

/**
 * One event of a chat subscription: a chunk, or the error that ended the stream. Errors are
 * events rather than thrown so that they reach the client as a GraphQL error with the
 * gateway's code (the field resolver throws them) instead of tearing down the socket.
 */
export type ChatEvent = { readonly chunk: ChatChunk } | { readonly error: GatewayError };

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

function isUsageOnly(chunk: ChatChunk): boolean {
  return chunk.usage != null && chunk.choices.length === 0;
}

export interface ChatSubscriptionDeps {
  readonly tollgate: Tollgate;
  readonly credential: string | undefined;
  readonly subscriptions: ActiveSubscriptions;
}

/**
 * The `chatCompletion` subscription: the REST shim's streaming pipeline (authentication,
 * budgets, rate limits, one spend row) behind an async iterator. Unsubscribing (`return()`,
 * also on socket close) aborts the upstream request at once, even while a read is pending,
 * and the stream settles as `cancelled`.
 */
export class ChatSubscription implements AsyncIterableIterator<ChatEvent> {
  private readonly deps: ChatSubscriptionDeps;
  private readonly input: ChatCompletionInputShape;
  private readonly includeUsage: boolean;
  private readonly controller = new AbortController();
  private readonly ctx: RequestContext;
  private opening: Promise<ChatStream> | undefined;
  /** The read in flight, if any: an abort makes it settle the stream, which return() awaits. */
  private reading: Promise<IteratorResult<ChatEvent>> | undefined;
  private ended = false;
  private release: (() => void) | undefined;

  constructor(
    deps: ChatSubscriptionDeps,
    request: { input: ChatCompletionInputShape; includeUsage: boolean },
  ) {
    this.deps = deps;
    this.input = request.input;
    this.includeUsage = request.includeUsage;
    this.ctx = deps.tollgate.createContext({
      kind: 'chat',
      credential: deps.credential,
      signal: this.controller.signal,
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatEvent>> {
    const reading = this.read();
    this.reading = reading;
    return reading;
  }

  async return(): Promise<IteratorResult<ChatEvent>> {
    if (this.ended) return DONE;
    this.ended = true;
    this.controller.abort();
    const stream = await this.opening?.catch(() => undefined);
    await stream?.return();
    // A read in flight when the abort landed settles the stream itself (ChatStream.return does
    // not wait for that): shutdown must not close the spend writer before it has.
    await this.reading;
    this.end();
    return DONE;
  }

  private async read(): Promise<IteratorResult<ChatEvent>> {
    if (this.ended) return DONE;
    try {
      this.opening ??= this.open();
      const stream = await this.opening;
      for (;;) {
        const result = await stream.next();
        if (this.ended) return DONE;
        if (result.done === true) {
          this.end();
          return DONE;
        }
        if (this.includeUsage || !isUsageOnly(result.value)) {
          return { done: false, value: { chunk: result.value } };
        }
      }
    } catch (error) {
      if (this.ended) return DONE;
      // Settles (one spend row) unless the pipeline already did; returns the error to show.
      const gatewayError = await this.deps.tollgate.pipeline.reject(this.ctx, error);
      this.end();
      return { done: false, value: { error: gatewayError } };
    }
  }

  private async open(): Promise<ChatStream> {
    this.release = this.deps.subscriptions.beginStream();
    const { pipeline } = this.deps.tollgate;
    // Authenticate before validating, as REST does before reading the body.
    await pipeline.authenticate(this.ctx);
    const request = parseChatRequest(toChatRequestBody(this.input));
    return pipeline.stream(this.ctx, request);
  }

  private end(): void {
    this.ended = true;
    this.release?.();
    this.release = undefined;
  }
}
