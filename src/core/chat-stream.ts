import type { ChatChunk } from './chat-chunk.js';
import type { ChatMessage } from './chat-request.js';
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
  private readonly finisher: StreamFinisher;
  private first: ChatChunk | undefined;
  private usageChunk: ChatChunk | undefined;
  private finished = false;
  private readonly prompt: readonly ChatMessage[];
  /** Output text passed on so far (content, reasoning, tool arguments), for estimates. */
  private readonly output: string[] = [];

  constructor(init: ChatStreamInit) {
    this.ctx = init.ctx;
    this.first = init.first;
    this.rest = init.rest;
    this.finisher = init.finish;
    this.prompt = init.prompt;
    this.observe(init.first);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ChatChunk>> {
    if (this.first !== undefined) {
      const first = this.first;
      this.first = undefined;
      if (!isUsageOnly(first)) return { done: false, value: first };
    }
    if (this.finished) return { done: true, value: undefined };
    for (;;) {
      let result: IteratorResult<ChatChunk>;
      try {
        result = await this.rest.next();
      } catch (error) {
        const gatewayError = toGatewayError(error);
        this.ctx.error = gatewayError;
        await this.finish(gatewayError.code === 'client_closed_request' ? 'cancelled' : 'error');
        throw gatewayError;
      }
      if (result.done === true) {
        await this.finish('success');
        const usageChunk = this.usageChunk;
        if (usageChunk?.usage != null && this.ctx.costUsd !== undefined) {
          usageChunk.usage.cost = this.ctx.costUsd;
        }
        this.usageChunk = undefined;
        return usageChunk === undefined
          ? { done: true, value: undefined }
          : { done: false, value: usageChunk };
      }
      this.observe(result.value);
      if (!isUsageOnly(result.value)) return { done: false, value: result.value };
    }
  }

  /** The consumer stopped early (client disconnected, `break` in a for-await loop). */
  async return(): Promise<IteratorResult<ChatChunk>> {
    if (!this.finished) {
      try {
        await this.rest.return?.();
      } catch {
        // The upstream is being torn down; its error adds nothing.
      }
      await this.finish('cancelled');
    }
    return { done: true, value: undefined };
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

  private async finish(status: Exclude<RequestStatus, 'pending'>): Promise<void> {
    if (this.finished) return;
    this.finished = true;
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
