import type { ChatChunk } from './chat-chunk.js';
import type { ChatMessage } from './chat-request.js';
import { isChunkBatchIterator, type ChunkBatchIterator } from './chunk-batches.js';
import { toGatewayError } from './errors.js';
import { estimatePromptTokens, estimateTokens } from './estimate-tokens.js';
import { makeUsage } from './usage.js';
import { reportsEstimatedUsage } from './usage-estimated.js';
import type { RequestContext, RequestStatus } from './request-context.js';

/** Runs the settle and log stages of a stream, once, when it ends however it ends. */
export type StreamFinisher = (
  ctx: RequestContext,
  status: Exclude<RequestStatus, 'pending'>,
) => Promise<void>;

interface ChatStreamInit {
  readonly ctx: RequestContext;
  /** The first chunk, already read so that failures before it could be retried. */
  readonly first: ChatChunk;
  readonly rest: AsyncIterator<ChatChunk>;
  readonly finish: StreamFinisher;
  /** The prompt, to estimate usage when the stream ends before the provider reported any. */
  readonly prompt: readonly ChatMessage[];
}

/**
 * A started stream as the pipeline hands it to a transport. It records usage, holds the final
 * usage chunk until the upstream has ended so that the settled cost can ride on it
 * (`usage.cost`, SPEC §3), and settles exactly once: at the end, on failure, or when the
 * consumer stops early (`return()`).
 */
export class ChatStream implements AsyncIterableIterator<ChatChunk> {
  private readonly ctx: RequestContext;
  private readonly rest: AsyncIterator<ChatChunk>;
  /** `rest` when it can hand over a whole upstream read at once (chunk-batches.ts). */
  private readonly batches: ChunkBatchIterator | undefined;
  private readonly finisher: StreamFinisher;
  private first: ChatChunk | undefined;
  private usageChunk: ChatChunk | undefined;
  private finished = false;
  /** The settle, once started (finish()). */
  private finishing: Promise<void> | undefined;
  private readonly prompt: readonly ChatMessage[];
  /** Output text passed on so far (content, reasoning, tool arguments), for estimates. */
  private readonly output: string[] = [];
  /** The batch `next()` is handing out one chunk at a time, and its position. */
  private pending: ChatChunk[] = [];
  private pendingIndex = 0;

  constructor(init: ChatStreamInit) {
    this.ctx = init.ctx;
    this.first = init.first;
    this.rest = init.rest;
    this.batches = isChunkBatchIterator(init.rest) ? init.rest : undefined;
    this.finisher = init.finish;
    this.prompt = init.prompt;
    this.observe(init.first);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ChatChunk>> {
    if (this.pendingIndex >= this.pending.length) {
      const batch = await this.nextBatch();
      if (batch === undefined) return { done: true, value: undefined };
      this.pending = batch;
      this.pendingIndex = 0;
    }
    const value = this.pending[this.pendingIndex] as ChatChunk;
    this.pendingIndex += 1;
    return { done: false, value };
  }

  /**
   * The next chunks to send (never an empty array), or undefined at the end: everything one
   * upstream read produced, so that a transport can write them at once. Mixing this with `next()`
   * is allowed; both hand out every chunk once, in order.
   */
  async nextBatch(): Promise<ChatChunk[] | undefined> {
    if (this.pendingIndex < this.pending.length) {
      const rest = this.pending.slice(this.pendingIndex);
      this.pending = [];
      this.pendingIndex = 0;
      return rest;
    }
    if (this.first !== undefined) {
      const first = this.first;
      this.first = undefined;
      const batch = isUsageOnly(first) ? [] : [first];
      // What arrived with the first chunk goes out with it, without waiting for another read.
      if (this.batches !== undefined) this.collect(this.batches.takeBuffered(), batch);
      if (batch.length > 0) return batch;
    }
    if (this.finished) return undefined;
    for (;;) {
      let chunks: ChatChunk[] | undefined;
      try {
        chunks = await this.readMore();
      } catch (error) {
        const gatewayError = toGatewayError(error);
        this.ctx.error = gatewayError;
        await this.finish(gatewayError.code === 'client_closed_request' ? 'cancelled' : 'error');
        throw gatewayError;
      }
      if (chunks === undefined) {
        await this.finish('success');
        const usageChunk = this.usageChunk;
        if (usageChunk?.usage != null && this.ctx.costUsd !== undefined) {
          usageChunk.usage.cost = this.ctx.costUsd;
        }
        this.usageChunk = undefined;
        return usageChunk === undefined ? undefined : [usageChunk];
      }
      const batch: ChatChunk[] = [];
      this.collect(chunks, batch);
      if (batch.length > 0) return batch;
    }
  }

  /** The consumer stopped early (client disconnected, `break` in a for-await loop). */
  async return(): Promise<IteratorResult<ChatChunk>> {
    this.first = undefined;
    this.pending = [];
    this.pendingIndex = 0;
    if (this.finishing === undefined) {
      try {
        await this.rest.return?.();
      } catch {
        // The upstream is being torn down; its error adds nothing.
      }
    }
    // Settles as cancelled, or waits for a settle already under way (the stream ended, or
    // failed, while the consumer was stopping): the request is settled when this resolves.
    await this.finish('cancelled');
    return { done: true, value: undefined };
  }

  /** The chunks of the upstream's next read, or undefined when it has ended. */
  private async readMore(): Promise<ChatChunk[] | undefined> {
    if (this.batches !== undefined) return this.batches.nextBatch();
    const result = await this.rest.next();
    return result.done === true ? undefined : [result.value];
  }

  /** Observes chunks and adds those to send (all but the held usage chunk) to `batch`. */
  private collect(chunks: readonly ChatChunk[], batch: ChatChunk[]): void {
    for (const chunk of chunks) {
      this.observe(chunk);
      if (!isUsageOnly(chunk)) batch.push(chunk);
    }
  }

  private observe(chunk: ChatChunk): void {
    if (chunk.usage != null) this.ctx.usage = chunk.usage;
    if (isUsageOnly(chunk)) {
      this.usageChunk = chunk;
      if (reportsEstimatedUsage(chunk.provider_metadata)) this.ctx.usageEstimated = true;
      return;
    }
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      if (delta.content) this.output.push(delta.content);
      if (delta.reasoning_content) this.output.push(delta.reasoning_content);
      for (const call of delta.tool_calls ?? []) {
        if (call.function?.name) this.output.push(call.function.name);
        if (call.function?.arguments) this.output.push(call.function.arguments);
      }
    }
  }

  /** Settles once; every later call waits for that one settle. */
  private finish(status: Exclude<RequestStatus, 'pending'>): Promise<void> {
    this.finished = true;
    this.finishing ??= this.settle(status);
    return this.finishing;
  }

  private async settle(status: Exclude<RequestStatus, 'pending'>): Promise<void> {
    if (this.ctx.usage === undefined) await this.estimateUsage();
    await this.finisher(this.ctx, status);
  }

  /**
   * The stream ended (cancelled, failed, or a provider that reports no usage) without usage:
   * the provider still billed what it generated, so estimate it rather than record zero.
   */
  private async estimateUsage(): Promise<void> {
    try {
      const [promptTokens, completionTokens] = await Promise.all([
        estimatePromptTokens(this.prompt),
        estimateTokens(this.output.join('')),
      ]);
      this.ctx.usage = makeUsage(promptTokens, completionTokens);
      this.ctx.usageEstimated = true;
    } catch {
      // Estimation is best effort; the row then records zero tokens.
    }
  }
}

function isUsageOnly(chunk: ChatChunk): boolean {
  return chunk.usage != null && chunk.choices.length === 0;
}
