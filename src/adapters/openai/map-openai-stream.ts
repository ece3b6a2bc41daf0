import { randomUUID } from 'node:crypto';
import type { WarningSink } from '../../core/adapter.js';
import type { ChatChunk, ChatChunkChoice } from '../../core/chat-chunk.js';
import { GatewayError } from '../../core/errors.js';
import { redactUpstreamBody } from '../../core/redact.js';
import { rememberWireJson } from '../../core/chunk-wire.js';
import type { SseEvent } from '../../core/sse.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import type { ChatMessage } from '../../core/chat-request.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';
import { mapOpenAIStreamError } from './openai-error.js';
import { readOpenAIChunk, type OpenAIChunk, type OpenAIChunkChoice } from './read-openai-chunk.js';

/**
 * SSE events of an OpenAI-compatible stream → canonical chunks, in one transform whose end emits
 * the usage chunk (STYLE habit 4):
 * - `[DONE]` ends the stream; the body is still drained so the connection returns to the pool.
 * - `data: {"error": {...}}` throws, mapped like an HTTP error (`openai-error.ts`).
 * - A malformed chunk throws `upstream_invalid_response`.
 * - A body that ends with neither `[DONE]` nor a finish reason was cut off: it throws
 *   `upstream_connection_failed`.
 * - Usage is never forwarded on a content chunk: the last usage seen (on the usage chunk, or on
 *   a content chunk as some servers do) goes out in one final `choices: []` chunk, always, even
 *   when the client did not ask; without any (a server that ignores `stream_options`) it is
 *   estimated with a tokenizer, marked `usage_estimated`, and a warning is recorded.
 * - A chunk with neither choices nor usage carries only provider data (Azure's first chunk holds
 *   `prompt_filter_results`, https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter-streaming).
 *   It must not look like the usage chunk, and it must not be the stream's first chunk (the
 *   pipeline treats the first chunk as "the answer has started"), so its fields are moved into
 *   `provider_metadata` of the next chunk sent.
 */

export interface OpenAIStreamInit {
  readonly target: UpstreamTarget;
  /** Reported as `model` when the upstream leaves it empty. */
  readonly model: string;
  readonly warnings: WarningSink;
  /** The prompt, to estimate usage when a server streams none. */
  readonly prompt: readonly ChatMessage[];
}

/** Fields of a chunk without choices or usage that are not provider data. */
const NON_DATA_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'object',
  'created',
  'model',
  'choices',
  'usage',
  'system_fingerprint',
]);

interface StreamIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/**
 * The transform, one event at a time and synchronous (the driver, `read-openai-stream.ts`, feeds
 * it every event of one upstream read at once); it holds what one stream has seen so far and
 * lives for that stream only.
 */
export class OpenAIStreamMapper {
  /** `[DONE]` was read: later events are ignored and a failure while draining changes nothing. */
  done = false;
  private readonly init: OpenAIStreamInit;
  private identity: StreamIdentity | undefined;
  private finished = false;
  private usage: Usage | undefined;
  /** The usage-only chunk, completed in place by end() (its other fields reach the client). */
  private usageChunk: OpenAIChunk | undefined;
  private pendingMetadata: Record<string, unknown> | undefined;
  /** Output text seen, for an estimate when the server sends no usage (most send it). */
  private readonly output: string[] = [];

  constructor(init: OpenAIStreamInit) {
    this.init = init;
  }

  /** One SSE event → a canonical chunk to send, or undefined when there is nothing to send yet. */
  accept(event: SseEvent): ChatChunk | undefined {
    if (event.data === '[DONE]') {
      this.done = true;
      return undefined;
    }
    const payload = readOpenAIChunk(event.data);
    if (payload.kind === 'error') {
      throw mapOpenAIStreamError(payload.payload, event.data, this.init.target);
    }
    if (payload.kind === 'invalid') throw this.invalid(payload.reason, event.data);
    const chunk = payload.chunk;
    if (this.identity === undefined && chunk.id !== undefined && chunk.id !== '') {
      this.identity = {
        id: chunk.id,
        created: chunk.created || Math.floor(Date.now() / 1000),
        model: chunk.model || this.init.model,
      };
    }
    if (chunk.usage !== undefined && chunk.usage !== null) this.usage = mapOpenAIUsage(chunk.usage);
    if (chunk.choices.length > 0) {
      return this.toCanonical(chunk, payload.repaired ? undefined : event.data);
    }
    if (chunk.usage !== undefined && chunk.usage !== null) {
      this.usageChunk = chunk;
      return undefined;
    }
    const data = providerData(chunk);
    if (data !== undefined) this.pendingMetadata = { ...this.pendingMetadata, ...data };
    return undefined;
  }

  /** The final usage chunk; throws when the body ended before the answer did. */
  async end(): Promise<ChatChunk> {
    if (!this.done && !this.finished) {
      throw new GatewayError(
        'upstream_connection_failed',
        `${this.init.target.provider} ended the stream before it finished (no [DONE], no finish_reason)`,
        { provider: this.init.target.provider },
      );
    }
    let usage = this.usage;
    if (usage === undefined) {
      // A server that ignores stream_options.include_usage: the provider still billed the
      // tokens, so estimate them (SPEC: usage always filled) and say so.
      usage = makeUsage(
        await estimatePromptTokens(this.init.prompt),
        await estimateTokens(this.output.join('')),
      );
      this.pendingMetadata = { ...this.pendingMetadata, usage_estimated: true };
      this.init.warnings.warn(
        `${this.init.target.provider} sent no usage in its stream; tokens were estimated`,
      );
    }
    // Parsed from its own event and shared with nothing: completed in place, like content chunks.
    const chunk = (this.usageChunk ?? {}) as unknown as ChatChunk;
    const identity = this.streamIdentity();
    chunk.id = identity.id;
    chunk.object = 'chat.completion.chunk';
    chunk.created = identity.created;
    chunk.model = identity.model;
    chunk.choices = [];
    chunk.usage = usage;
    return this.attachMetadata(chunk);
  }

  /**
   * The chunk was parsed from this event alone and is shared with nothing, so it is completed in
   * place rather than copied: a fresh object per chunk (spreads, hidden-class churn, garbage) was
   * the largest single cost of a stream in the benchmark (BENCHMARKS.md, 2026-11-24 notes).
   */
  private toCanonical(chunk: OpenAIChunk, text: string | undefined): ChatChunk {
    const identity = this.streamIdentity();
    // The upstream's text still says exactly this chunk when the envelope needs no change.
    let wire =
      text !== undefined &&
      chunk.id === identity.id &&
      chunk.object === 'chat.completion.chunk' &&
      chunk.created === identity.created &&
      chunk.model === identity.model
        ? wireText(text, chunk.usage)
        : undefined;
    const canonical = chunk as unknown as ChatChunk;
    canonical.id = identity.id;
    canonical.object = 'chat.completion.chunk';
    canonical.created = identity.created;
    canonical.model = identity.model;
    // Usage is sent once, on the final chunk (end()); undefined keeps the shape and is not serialised.
    if (canonical.usage !== undefined) canonical.usage = undefined;
    const choices = chunk.choices;
    for (let index = 0; index < choices.length; index += 1) {
      const choice = choices[index] as OpenAIChunkChoice;
      const mapped = this.mapChoice(choice);
      if (mapped !== (choice as unknown)) {
        canonical.choices[index] = mapped;
        wire = undefined;
      }
    }
    // Held provider data goes out on this chunk (a copy): then the text is not the chunk's.
    if (wire !== undefined && this.pendingMetadata === undefined) rememberWireJson(canonical, wire);
    return this.attachMetadata(canonical);
  }

  private mapChoice(choice: OpenAIChunkChoice): ChatChunkChoice {
    const delta = choice.delta;
    if (delta.content) this.output.push(delta.content);
    if (delta.reasoning_content) this.output.push(delta.reasoning_content);
    if (delta.tool_calls) {
      for (const call of delta.tool_calls) this.output.push(call.function?.arguments ?? '');
    }
    const finish = mapOpenAIFinishReason(choice.finish_reason);
    if (finish.reason !== null) this.finished = true;
    if (finish.raw === undefined) {
      // Checked by readOpenAIChunk; the finish reason is canonical or absent.
      return choice as ChatChunkChoice;
    }
    return {
      ...choice,
      finish_reason: finish.reason,
      delta: {
        ...choice.delta,
        provider_metadata: {
          ...choice.delta.provider_metadata,
          [this.init.target.provider]: { finish_reason: finish.raw },
        },
      },
    };
  }

  private streamIdentity(): StreamIdentity {
    // A stream whose chunks carry no id (some compatible servers): give it one.
    this.identity ??= {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: this.init.model,
    };
    return this.identity;
  }

  private attachMetadata(chunk: ChatChunk): ChatChunk {
    if (this.pendingMetadata === undefined) return chunk;
    // provider_metadata is keyed by provider: `{ azure: { prompt_filter_results } }`.
    const metadata = {
      ...chunk.provider_metadata,
      [this.init.target.provider]: { ...this.pendingMetadata },
    };
    this.pendingMetadata = undefined;
    return { ...chunk, provider_metadata: metadata };
  }

  private invalid(reason: string, data: string): GatewayError {
    return new GatewayError(
      'upstream_invalid_response',
      `${this.init.target.provider} sent a malformed stream chunk: ${reason}`,
      {
        provider: this.init.target.provider,
        upstreamBody: redactUpstreamBody(data, this.init.target.secrets),
      },
    );
  }
}

/** `"usage":null` as OpenAI ends every content chunk of a stream that includes usage. */
const NULL_USAGE_TAIL = ',"usage":null}';

/**
 * The JSON text to send for a content chunk whose envelope is unchanged, or undefined when the
 * text would differ from the canonical chunk: usage is never sent on a content chunk (a
 * trailing `"usage":null` is cut off, any other usage needs serialising), and a payload spread
 * over several `data:` lines cannot be one SSE line.
 */
function wireText(text: string, usage: unknown): string | undefined {
  if (text.includes('\n')) return undefined;
  if (usage === undefined) return text;
  if (usage === null && text.endsWith(NULL_USAGE_TAIL)) {
    return `${text.slice(0, -NULL_USAGE_TAIL.length)}}`;
  }
  return undefined;
}

/** The data fields of a chunk that has no choices and no usage, or undefined when it has none. */
function providerData(chunk: OpenAIChunk): Record<string, unknown> | undefined {
  let fields: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(chunk)) {
    if (NON_DATA_FIELDS.has(key) || value === undefined || value === null) continue;
    fields ??= {};
    fields[key] = value;
  }
  return fields;
}
