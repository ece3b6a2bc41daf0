import { randomUUID } from 'node:crypto';
import type { ChatChunk, ChatChunkChoice, ToolCallDelta } from '../../core/chat-chunk.js';
import type { FinishReason } from '../../core/chat-response.js';
import type { Usage } from '../../core/usage.js';
import { anthropicMetadata, metadataString, type AnthropicMetadata } from './anthropic-metadata.js';
import type { AnthropicResponseContent, AnthropicStreamEvent } from './anthropic-response.js';
import { otherBlocks, toAnthropicMessageId } from './convert-to-anthropic-message.js';
import { mapToAnthropicStopReason } from './map-to-anthropic-stop-reason.js';
import { mapToAnthropicUsage } from './map-to-anthropic-usage.js';

/**
 * Canonical stream chunks → Anthropic's stream events, in the documented order
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types):
 *
 *   message_start → per content block: content_block_start, content_block_delta…,
 *   content_block_stop → message_delta (stop reason, cumulative usage) → message_stop
 *
 * Canonical deltas mix reasoning, text and tool-call fragments freely; Anthropic has one block
 * open at a time, so a fragment of another kind closes the open block and starts the next one.
 * `reasoning_content` → a thinking block (`thinking_delta`), a signature in
 * `provider_metadata.anthropic.signature` → `signature_delta`, `content` → a text block
 * (`text_delta`), each new tool-call index → a tool_use block whose argument fragments are
 * `input_json_delta`s, passed as they come so that they concatenate to the same JSON. What an
 * anthropic deployment streams without a canonical form (redacted thinking, server tool blocks,
 * in `provider_metadata.anthropic`) comes back as whole blocks.
 *
 * Usage arrives last in canonical streams, so `message_start` reports zero tokens and the final
 * `message_delta` carries the whole usage (input and cache counts included: Anthropic documents
 * its usage there as cumulative, and the SDK takes input counts from it).
 */

type OpenBlock =
  | { readonly kind: 'text' | 'thinking'; readonly index: number }
  | { readonly kind: 'tool'; readonly index: number };

function nonEmpty(value: string | null | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

export class AnthropicStreamEncoder {
  /** Reported as the model until the first chunk names one. */
  private readonly requestedModel: string;
  private started = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  /** Canonical tool-call index → its tool_use block's index. */
  private readonly toolBlocks = new Map<number, number>();
  private finishReason: FinishReason | null | undefined;
  private metadata: AnthropicMetadata = {};
  private usage: Usage | undefined;
  private refused = false;

  constructor(requestedModel: string) {
    this.requestedModel = requestedModel;
  }

  /** The events one canonical chunk produces (possibly none). */
  push(chunk: ChatChunk): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) events.push(this.start(chunk.id, chunk.model));
    this.metadata = { ...this.metadata, ...anthropicMetadata(chunk.provider_metadata) };
    if (chunk.usage !== undefined && chunk.usage !== null) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.index === 0) this.pushChoice(choice, events);
    }
    return events;
  }

  /** The closing events, once the canonical stream has ended. */
  finish(): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) events.push(this.start(randomUUID(), this.requestedModel));
    this.close(events);
    const stop = mapToAnthropicStopReason(
      this.refused ? 'content_filter' : this.finishReason,
      this.metadata,
    );
    events.push({ type: 'message_delta', delta: stop, usage: mapToAnthropicUsage(this.usage) });
    events.push({ type: 'message_stop' });
    return events;
  }

  private start(id: string, model: string): AnthropicStreamEvent {
    this.started = true;
    return {
      type: 'message_start',
      message: {
        id: toAnthropicMessageId(id),
        type: 'message',
        role: 'assistant',
        model: model === '' ? this.requestedModel : model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: mapToAnthropicUsage(undefined),
      },
    };
  }

  private pushChoice(choice: ChatChunkChoice, events: AnthropicStreamEvent[]): void {
    const delta = choice.delta;
    const finishing = choice.finish_reason !== undefined && choice.finish_reason !== null;
    const metadata = anthropicMetadata(delta.provider_metadata);
    this.metadata = { ...this.metadata, ...metadata };
    if (nonEmpty(delta.reasoning_content)) {
      const index = this.ensure('thinking', events);
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'thinking_delta', thinking: delta.reasoning_content },
      });
    }
    // The finish chunk's metadata sums up the turn (the whole signature, every redacted block)
    // for clients that keep it; the deltas before it already carried each piece.
    if (!finishing) this.pushNative(metadata, events);
    if (nonEmpty(delta.content)) this.pushText(delta.content, events);
    if (nonEmpty(delta.refusal)) {
      this.refused = true;
      this.pushText(delta.refusal, events);
    }
    for (const call of delta.tool_calls ?? []) this.pushToolCall(call, events);
    if (finishing) this.finishReason = choice.finish_reason;
  }

  /**
   * What an anthropic deployment streams under `provider_metadata.anthropic`: a thinking
   * signature → `signature_delta`; redacted thinking and blocks with no canonical form (server
   * tool use, search results) → whole blocks of their own.
   */
  private pushNative(metadata: AnthropicMetadata, events: AnthropicStreamEvent[]): void {
    const signature = metadataString(metadata, 'signature');
    if (nonEmpty(signature)) {
      const index = this.ensure('thinking', events);
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'signature_delta', signature },
      });
    }
    const redacted = Array.isArray(metadata.redacted_thinking) ? metadata.redacted_thinking : [];
    for (const data of redacted) {
      if (typeof data === 'string') this.pushWhole({ type: 'redacted_thinking', data }, events);
    }
    for (const block of otherBlocks(metadata.content)) this.pushWhole(block, events);
  }

  /** A block that arrives complete: start and stop with nothing between. */
  private pushWhole(block: AnthropicResponseContent, events: AnthropicStreamEvent[]): void {
    this.close(events);
    const index = this.nextIndex;
    this.nextIndex += 1;
    events.push({ type: 'content_block_start', index, content_block: block });
    events.push({ type: 'content_block_stop', index });
  }

  private pushText(text: string, events: AnthropicStreamEvent[]): void {
    const index = this.ensure('text', events);
    events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  }

  /**
   * A tool-call fragment. Providers send each call's fragments together, so the call's block is
   * the open one; should a late fragment of an earlier call arrive, it still goes to that call's
   * block index, which keeps its JSON whole for clients (the SDK applies deltas by index).
   */
  private pushToolCall(call: ToolCallDelta, events: AnthropicStreamEvent[]): void {
    let index = this.toolBlocks.get(call.index);
    if (index === undefined) {
      this.close(events);
      index = this.nextIndex;
      this.nextIndex += 1;
      this.toolBlocks.set(call.index, index);
      this.open = { kind: 'tool', index };
      events.push({
        type: 'content_block_start',
        index,
        content_block: {
          type: 'tool_use',
          id: call.id ?? `toolu_${randomUUID()}`,
          name: call.function?.name ?? '',
          input: {},
        },
      });
    }
    const fragment = call.function?.arguments;
    if (nonEmpty(fragment)) {
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: fragment },
      });
    }
  }

  /** The index of an open block of this kind, starting one (and closing another) if needed. */
  private ensure(kind: 'text' | 'thinking', events: AnthropicStreamEvent[]): number {
    if (this.open !== undefined && this.open.kind === kind) return this.open.index;
    this.close(events);
    const index = this.nextIndex;
    this.nextIndex += 1;
    this.open = { kind, index };
    events.push({
      type: 'content_block_start',
      index,
      content_block:
        kind === 'text'
          ? { type: 'text', text: '' }
          : { type: 'thinking', thinking: '', signature: '' },
    });
    return index;
  }

  private close(events: AnthropicStreamEvent[]): void {
    if (this.open === undefined) return;
    events.push({ type: 'content_block_stop', index: this.open.index });
    this.open = undefined;
  }
}
