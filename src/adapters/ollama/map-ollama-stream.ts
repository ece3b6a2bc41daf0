import { randomUUID } from 'node:crypto';
import type { WarningSink } from '../../core/adapter.js';
import type {
  ChatChunk,
  ChatChunkChoice,
  ChatDelta,
  ToolCallDelta,
} from '../../core/chat-chunk.js';
import type { ChatMessage } from '../../core/chat-request.js';
import type { FinishReason } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { mapOllamaFinishReason } from './map-ollama-finish-reason.js';
import { mapOllamaUsage } from './map-ollama-usage.js';
import { mapOllamaStreamError } from './ollama-error.js';
import { NdjsonLineTooLongError } from './read-ndjson-lines.js';
import { readOllamaLine, type OllamaChunk } from './read-ollama-chunk.js';

/**
 * NDJSON lines of an `/api/chat` stream → canonical chunks, in one transform whose end emits the
 * usage chunk:
 * - nothing is sent before real content (text, thinking or a tool call); Ollama's empty lines
 *   (`content: ""` while a model loads or thinks silently) are skipped;
 * - tool calls arrive whole, and Ollama numbers them per line (often every call `index: 0`, or
 *   none at all), so each call seen gets the next OpenAI index, its own id (`call_<uuid>` when
 *   Ollama gives none), name and complete arguments in one delta;
 * - `thinking` is `reasoning_content`; logprobs ride on their choice as OpenAI's `{content}`;
 * - the `done` line gives the finish chunk (tool calls → `tool_calls`, raw `done_reason` and
 *   timings in provider_metadata) and then the usage chunk;
 * - an `{"error"}` line throws; a malformed line throws `upstream_invalid_response`; a body that
 *   ends without a `done` line was cut off.
 */

export interface OllamaStreamInit {
  readonly target: UpstreamTarget;
  readonly model: string;
  readonly warnings: WarningSink;
  readonly messages: readonly ChatMessage[];
}

class OllamaStreamState {
  private readonly init: OllamaStreamInit;
  private readonly id = `chatcmpl-${randomUUID()}`;
  private created: number | undefined;
  private model: string | undefined;
  private roleSent = false;
  private toolCalls = 0;
  private answer = '';
  private thinking = '';
  private final: OllamaChunk | undefined;

  constructor(init: OllamaStreamInit) {
    this.init = init;
  }

  get done(): boolean {
    return this.final !== undefined;
  }

  accept(line: string): ChatChunk[] {
    const read = readOllamaLine(line);
    if (read.kind === 'error') throw mapOllamaStreamError(line, this.init.target);
    if (read.kind === 'invalid') throw invalidStream(this.init.target, read.reason, line);
    const chunk = read.chunk;
    this.model ??= chunk.model || this.init.model;
    this.created ??= createdSeconds(chunk.createdAt);
    const out: ChatChunk[] = [];
    const delta = this.delta(chunk);
    if (delta !== undefined) out.push(this.chunk(delta, { logprobs: chunk.logprobs }));
    if (chunk.done) {
      this.final = chunk;
      const finish = mapOllamaFinishReason(chunk.doneReason, this.toolCalls > 0);
      const metadata = { done_reason: chunk.doneReason ?? null, ...chunk.timings };
      out.push(
        this.chunk({ provider_metadata: { [this.init.target.provider]: metadata } }, { finish }),
      );
    }
    return out;
  }

  private delta(chunk: OllamaChunk): ChatDelta | undefined {
    const delta: ChatDelta = {};
    if (chunk.content !== '') {
      delta.content = chunk.content;
      this.answer += chunk.content;
    }
    if (chunk.thinking !== '') {
      delta.reasoning_content = chunk.thinking;
      this.thinking += chunk.thinking;
    }
    if (chunk.toolCalls.length > 0) {
      delta.tool_calls = chunk.toolCalls.map((call): ToolCallDelta => {
        this.answer += call.name + call.arguments;
        const index = this.toolCalls;
        this.toolCalls += 1;
        return {
          index,
          id: call.id ?? `call_${randomUUID().replace(/-/g, '')}`,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        };
      });
    }
    return Object.keys(delta).length > 0 ? delta : undefined;
  }

  private chunk(
    delta: ChatDelta,
    extra: { finish?: FinishReason; logprobs?: readonly unknown[] | undefined },
  ): ChatChunk {
    const withRole: ChatDelta = this.roleSent ? delta : { role: 'assistant', ...delta };
    this.roleSent = true;
    const choice: ChatChunkChoice = {
      index: 0,
      delta: withRole,
      finish_reason: extra.finish ?? null,
    };
    if (extra.logprobs !== undefined) choice.logprobs = { content: extra.logprobs };
    return { ...this.envelope(), choices: [choice] };
  }

  private envelope(): Pick<ChatChunk, 'id' | 'object' | 'created' | 'model'> {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created ?? Math.floor(Date.now() / 1000),
      model: this.model ?? this.init.model,
    };
  }

  async end(): Promise<ChatChunk> {
    const final = this.final;
    if (final === undefined) {
      throw new GatewayError(
        'upstream_connection_failed',
        `${this.init.target.provider} ended the stream before it finished (no done line)`,
        { provider: this.init.target.provider },
      );
    }
    const { usage, estimated } = await mapOllamaUsage({
      counts: final,
      messages: this.init.messages,
      answer: this.answer,
      thinking: this.thinking,
    });
    if (estimated.usage_estimated) {
      this.init.warnings.warn(
        `${this.init.target.provider} sent no token counts; they were estimated`,
      );
    }
    return {
      ...this.envelope(),
      choices: [],
      usage,
      ...(Object.keys(estimated).length > 0
        ? { provider_metadata: { [this.init.target.provider]: estimated } }
        : {}),
    };
  }
}

/** Ollama's RFC 3339 `created_at` (nanosecond precision) as Unix seconds. */
export function createdSeconds(createdAt: string | null | undefined): number | undefined {
  if (!createdAt) return undefined;
  const millis = Date.parse(createdAt.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(millis) ? undefined : Math.floor(millis / 1000);
}

function invalidStream(target: UpstreamTarget, reason: string, line: string): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${target.provider} sent a malformed stream line: ${reason}`,
    { provider: target.provider, upstreamBody: redactUpstreamBody(line, target.secrets) },
  );
}

/** Maps NDJSON lines; see the file comment for what ends and fails a stream. */
export async function* mapOllamaStream(
  lines: AsyncIterable<string>,
  init: OllamaStreamInit,
): AsyncGenerator<ChatChunk> {
  const state = new OllamaStreamState(init);
  try {
    for await (const line of lines) {
      if (state.done) continue;
      yield* state.accept(line);
    }
  } catch (error) {
    if (error instanceof NdjsonLineTooLongError)
      throw invalidStream(init.target, error.message, '');
    // After the done line the answer is complete; a failure while draining changes nothing.
    if (!state.done) throw error;
  }
  yield await state.end();
}
