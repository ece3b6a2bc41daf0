import { randomUUID } from 'node:crypto';
import type { ChatChunk, ChatDelta } from '../../core/chat-chunk.js';
import type { ChatMessage } from '../../core/chat-request.js';
import type { FinishReason } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { SseEvent } from '../../core/sse.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import type { AnthropicUsage } from './anthropic-api.js';
import { mapAnthropicStreamError } from './anthropic-error.js';
import { thinkingMetadata, type AnthropicThinkingLike } from './anthropic-metadata.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';
import {
  readAnthropicEvent,
  type AnthropicBlockStart,
  type AnthropicDelta,
} from './read-anthropic-event.js';

/**
 * Messages SSE events → canonical chunks, in one transform whose end emits the usage chunk
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 * - `text_delta` → `delta.content`; `thinking_delta` → `delta.reasoning_content`;
 *   `signature_delta` and redacted thinking → `delta.provider_metadata.anthropic`.
 * - `tool_use` blocks → `delta.tool_calls`, indexed among the turn's tool calls (0, 1, ...),
 *   not by Anthropic's content block index (a text or thinking block usually comes first);
 *   `input_json_delta` fragments extend the call of their block.
 * - The forced tool of an emulated structured output streams as `delta.content`.
 * - Nothing is sent before the first content, so an `error` event right after `message_start`
 *   (Anthropic's usual way to report overload mid-request) still fails before the first chunk.
 * - `message_delta` gives the finish chunk (the raw stop reason and the turn's thinking
 *   metadata in provider_metadata); `message_stop` ends the stream; `ping` and unknown events
 *   are ignored; `error` throws (anthropic-error.ts); a malformed event throws
 *   `upstream_invalid_response`; a body that ends before a stop reason throws
 *   `upstream_connection_failed`.
 * - The last chunk carries usage: input counts from `message_start`, output from
 *   `message_delta` (cumulative); with none at all, an estimate flagged `usage_estimated`.
 */

export interface AnthropicStreamInit {
  readonly target: UpstreamTarget;
  readonly model: string;
  readonly jsonToolName: string | undefined;
  /** The request's messages, to estimate usage when the upstream reports none. */
  readonly messages: readonly ChatMessage[];
}

type BlockKind = 'text' | 'thinking' | 'tool' | 'json' | 'other';

interface BlockState {
  readonly kind: BlockKind;
  /** For `tool`: the OpenAI tool call index. */
  readonly toolIndex: number;
}

const ANTHROPIC = 'anthropic';

class AnthropicStreamState {
  done = false;
  private readonly init: AnthropicStreamInit;
  private id = '';
  private model: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly blocks = new Map<number, BlockState>();
  private toolCount = 0;
  private jsonToolSeen = false;
  private roleSent = false;
  private stopReason: string | undefined;
  private stopSequence: string | undefined;
  private finished = false;
  private usage: AnthropicUsage | undefined;
  private thinking = '';
  private answerText = '';
  private readonly thinkingBlocks: AnthropicThinkingLike[] = [];

  constructor(init: AnthropicStreamInit) {
    this.init = init;
    this.model = init.model;
  }

  accept(event: SseEvent): ChatChunk | undefined {
    const read = readAnthropicEvent(event.data);
    if (event.event === 'error' || read.kind === 'error') {
      throw mapAnthropicStreamError(event.data, this.init.target);
    }
    switch (read.kind) {
      case 'invalid':
        throw this.invalid(read.reason, event.data);
      case 'message_start':
        this.id = read.id;
        this.model = read.model ?? this.model;
        this.usage = read.usage;
        return undefined;
      case 'block_start':
        return this.startBlock(read.index, read.block);
      case 'block_delta':
        return this.applyDelta(read.index, read.delta);
      case 'message_delta':
        this.stopReason = read.stopReason ?? this.stopReason;
        this.stopSequence = read.stopSequence ?? this.stopSequence;
        if (read.usage !== undefined) this.usage = { ...this.usage, ...definedFields(read.usage) };
        return this.finishChunk();
      case 'message_stop':
        this.done = true;
        return undefined;
      default:
        // block_stop, ping and event types added later carry nothing to send.
        return undefined;
    }
  }

  async end(): Promise<ChatChunk> {
    if (!this.finished) {
      throw new GatewayError(
        'upstream_connection_failed',
        `${this.init.target.provider} ended the stream before it finished (no stop reason)`,
        { provider: this.init.target.provider },
      );
    }
    const metadata: Record<string, unknown> = {};
    let usage: Usage;
    if (this.usage === undefined) {
      const prompt = await estimatePromptTokens(this.init.messages);
      const completion = await estimateTokens(this.thinking + this.answerText);
      usage = makeUsage(prompt, completion);
      metadata.usage_estimated = true;
    } else {
      const mapped = await mapAnthropicUsage(this.usage, this.thinking);
      usage = mapped.usage;
      if (mapped.reasoningEstimated) metadata.reasoning_tokens_estimated = true;
    }
    return {
      ...this.envelope(),
      choices: [],
      usage,
      ...(Object.keys(metadata).length === 0
        ? {}
        : { provider_metadata: { [ANTHROPIC]: metadata } }),
    };
  }

  private startBlock(index: number, block: AnthropicBlockStart): ChatChunk | undefined {
    switch (block.type) {
      case 'text': {
        this.blocks.set(index, { kind: 'text', toolIndex: -1 });
        const text = typeof block.text === 'string' ? block.text : '';
        return text === '' ? undefined : this.content({ content: text });
      }
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking', toolIndex: -1 });
        this.thinkingBlocks.push({ type: 'thinking', thinking: '', signature: '' });
        return undefined;
      case 'redacted_thinking': {
        this.blocks.set(index, { kind: 'other', toolIndex: -1 });
        const data = typeof block.data === 'string' ? block.data : '';
        this.thinkingBlocks.push({ type: 'redacted_thinking', data });
        return this.content({ provider_metadata: { [ANTHROPIC]: { redacted_thinking: [data] } } });
      }
      case 'tool_use':
        return this.startToolUse(index, block);
      default:
        // Server tools and their results have no OpenAI equivalent: passed on as data.
        this.blocks.set(index, { kind: 'other', toolIndex: -1 });
        return this.content({ provider_metadata: { [ANTHROPIC]: { content: [block] } } });
    }
  }

  private startToolUse(index: number, block: AnthropicBlockStart): ChatChunk | undefined {
    const name = typeof block.name === 'string' ? block.name : '';
    const id = typeof block.id === 'string' ? block.id : '';
    if (id === '' || name === '')
      throw this.invalid('tool_use block without id or name', JSON.stringify(block));
    if (name === this.init.jsonToolName && !this.jsonToolSeen) {
      this.jsonToolSeen = true;
      this.blocks.set(index, { kind: 'json', toolIndex: -1 });
      return undefined;
    }
    const toolIndex = this.toolCount;
    this.toolCount += 1;
    this.blocks.set(index, { kind: 'tool', toolIndex });
    return this.content({
      tool_calls: [{ index: toolIndex, id, type: 'function', function: { name, arguments: '' } }],
    });
  }

  private applyDelta(index: number, delta: AnthropicDelta): ChatChunk | undefined {
    const block = this.blocks.get(index);
    if (block === undefined) throw this.invalid(`delta for unknown content block ${index}`, '');
    switch (delta.type) {
      case 'text_delta':
        this.answerText += delta.text;
        return this.content({ content: delta.text });
      case 'thinking_delta': {
        this.thinking += delta.thinking;
        const last = this.thinkingBlocks.at(-1);
        if (last?.type === 'thinking') last.thinking += delta.thinking;
        return this.content({ reasoning_content: delta.thinking });
      }
      case 'signature_delta': {
        const last = this.thinkingBlocks.at(-1);
        if (last?.type === 'thinking') last.signature += delta.signature;
        return this.content({ provider_metadata: { [ANTHROPIC]: { signature: delta.signature } } });
      }
      case 'input_json_delta':
        if (block.kind === 'json') {
          this.answerText += delta.partial_json;
          return delta.partial_json === ''
            ? undefined
            : this.content({ content: delta.partial_json });
        }
        if (block.kind !== 'tool' || delta.partial_json === '') return undefined;
        return this.content({
          tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }],
        });
      case 'citations_delta':
        return this.content({
          provider_metadata: { [ANTHROPIC]: { citations: [delta.citation] } },
        });
      default:
        return undefined;
    }
  }

  private finishChunk(): ChatChunk {
    this.finished = true;
    const answeredWithJson = this.jsonToolSeen && this.toolCount === 0;
    const reason: FinishReason = mapAnthropicStopReason(this.stopReason, answeredWithJson);
    const metadata = {
      stop_reason: this.stopReason ?? null,
      ...(this.stopSequence === undefined ? {} : { stop_sequence: this.stopSequence }),
      ...thinkingMetadata(this.thinkingBlocks),
    };
    return this.content({ provider_metadata: { [ANTHROPIC]: metadata } }, reason);
  }

  /** A chunk for choice 0; the first one also says the role. */
  private content(delta: ChatDelta, finishReason: FinishReason | null = null): ChatChunk {
    const withRole: ChatDelta = this.roleSent ? delta : { role: 'assistant', ...delta };
    this.roleSent = true;
    return {
      ...this.envelope(),
      choices: [{ index: 0, delta: withRole, finish_reason: finishReason }],
    };
  }

  private envelope(): Pick<ChatChunk, 'id' | 'object' | 'created' | 'model'> {
    if (this.id === '') this.id = `msg_${randomUUID()}`;
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
    };
  }

  private invalid(reason: string, data: string): GatewayError {
    return new GatewayError(
      'upstream_invalid_response',
      `${this.init.target.provider} sent a malformed stream event: ${reason}`,
      {
        provider: this.init.target.provider,
        upstreamBody: redactUpstreamBody(data, this.init.target.secrets),
      },
    );
  }
}

/** The fields of a usage update that carry a value (message_delta may send nulls). */
function definedFields(usage: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(
    Object.entries(usage).filter(([, value]) => value !== undefined && value !== null),
  );
}

/** Maps a Messages stream; see the file comment for what ends and what fails a stream. */
export async function* mapAnthropicStream(
  events: AsyncIterable<SseEvent>,
  init: AnthropicStreamInit,
): AsyncGenerator<ChatChunk> {
  const state = new AnthropicStreamState(init);
  try {
    for await (const event of events) {
      // After message_stop the body is drained so the connection goes back to the pool.
      if (state.done) continue;
      const chunk = state.accept(event);
      if (chunk !== undefined) yield chunk;
    }
  } catch (error) {
    // After message_stop the answer is complete; a failure while draining changes nothing.
    if (!state.done) throw error;
  }
  yield await state.end();
}
