import { randomUUID } from 'node:crypto';
import type { ChatChunk, ChatChunkChoice, ChatDelta } from '../../core/chat-chunk.js';
import type { ChatMessage } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { SseEvent } from '../../core/sse.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import type { Usage } from '../../core/usage.js';
import type {
  GeminiCandidate,
  GeminiPromptFeedback,
  GeminiResponse,
  GeminiUsage,
} from './gemini-api.js';
import { mapGeminiStreamError, promptBlockedError } from './gemini-error.js';
import { candidateMetadata, readGeminiParts, ToolCallIds } from './map-gemini-candidate.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { createdAt, estimateUsage } from './map-gemini-response.js';
import { mapGeminiUsage } from './map-gemini-usage.js';
import { readGeminiChunk } from './read-gemini-chunk.js';

/**
 * SSE events of `streamGenerateContent?alt=sse` → canonical chunks, in one transform whose end
 * emits the usage chunk (STYLE habit 4). Gemini has no delta format: every event is a whole
 * GenerateContentResponse with the next slice of each candidate, and no `[DONE]` (the body just
 * ends). So:
 * - text and thought parts become `content` / `reasoning_content` deltas;
 * - function calls arrive whole: each becomes one tool call delta (id, name and the complete
 *   arguments) with its own index, counted per candidate across events;
 * - thought signatures ride on the delta of the event that carried them;
 * - candidate data (safety ratings, citations, grounding, URL context) is collected across events
 *   and sent with the raw finish reason on the finish chunk, as `provider_metadata.<provider>`;
 * - `usageMetadata` (repeated on events, complete on the last) is sent once, in the final
 *   `choices: []` chunk; without any, usage is estimated and marked `usage_estimated`;
 * - a prompt blocked before any candidate is a `content_policy_violation` error, an
 *   `{"error": ...}` event is mapped like an HTTP error, a malformed event is
 *   `upstream_invalid_response`, and a body that ends before every candidate finished was cut
 *   off (`upstream_connection_failed`).
 * Nothing is emitted for an event without content, so the first chunk is real content.
 */

export interface GeminiStreamInit {
  readonly target: UpstreamTarget;
  /** Reported as `model` when the upstream names none. */
  readonly model: string;
  /** The request's messages, to estimate usage when the upstream reports none. */
  readonly messages: readonly ChatMessage[];
}

interface StreamIdentity {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
}

/** What one candidate of the stream has seen so far. */
interface CandidateState {
  readonly ids: ToolCallIds;
  toolCalls: number;
  started: boolean;
  finished: boolean;
  /** Latest safety ratings, grounding... and the citations of every event. */
  collected: Record<string, unknown>;
}

function mergeCitations(previous: unknown, next: unknown): unknown {
  if (typeof previous !== 'object' || previous === null) return next;
  if (typeof next !== 'object' || next === null) return previous;
  // Gemini API: `citationSources`; Vertex AI: `citations`. Each event cites its own slice.
  const merged: Record<string, unknown> = { ...previous };
  for (const [key, value] of Object.entries(next)) {
    const earlier = merged[key];
    merged[key] =
      Array.isArray(earlier) && Array.isArray(value)
        ? [...(earlier as unknown[]), ...(value as unknown[])]
        : value;
  }
  return merged;
}

class GeminiStreamState {
  private readonly init: GeminiStreamInit;
  private readonly candidates = new Map<number, CandidateState>();
  private identity: StreamIdentity | undefined;
  private responseId: string | null | undefined;
  private usage: GeminiUsage | undefined;
  private promptFeedback: GeminiPromptFeedback | undefined;
  /** Everything generated, to estimate usage if the upstream never reports it. */
  private readonly generated: string[] = [];

  constructor(init: GeminiStreamInit) {
    this.init = init;
  }

  accept(event: SseEvent): ChatChunk | undefined {
    const payload = readGeminiChunk(event.data);
    if (payload.kind === 'error') {
      throw mapGeminiStreamError(payload.error, event.data, this.init.target);
    }
    if (payload.kind === 'invalid') throw this.invalid(payload.reason, event.data);
    const response = payload.response;
    this.identify(response);
    if (response.usageMetadata != null) this.usage = response.usageMetadata;
    if (response.promptFeedback != null) this.promptFeedback = response.promptFeedback;
    const candidates = response.candidates ?? [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      throw promptBlockedError(response.promptFeedback, {
        raw: event.data,
        target: this.init.target,
      });
    }
    const choices: ChatChunkChoice[] = [];
    candidates.forEach((candidate, position) => {
      const choice = this.mapCandidate(candidate, position);
      if (choice !== undefined) choices.push(choice);
    });
    if (choices.length === 0) return undefined;
    return { ...this.identityFields(), choices };
  }

  /** The final usage chunk; throws when the body ended before the answer did. */
  async end(): Promise<ChatChunk> {
    const states = [...this.candidates.values()];
    if (states.length === 0 || states.some((state) => !state.finished)) {
      throw new GatewayError(
        'upstream_connection_failed',
        `${this.init.target.provider} ended the stream before it finished (no finishReason)`,
        { provider: this.init.target.provider },
      );
    }
    const metadata: Record<string, unknown> = {};
    if (this.promptFeedback !== undefined) metadata.prompt_feedback = this.promptFeedback;
    let usage: Usage;
    if (this.usage === undefined) {
      usage = await estimateUsage(this.init.messages, this.generated);
      metadata.usage_estimated = true;
    } else {
      usage = mapGeminiUsage(this.usage);
      metadata.usage_metadata = this.usage;
    }
    return {
      ...this.identityFields(),
      choices: [],
      usage,
      provider_metadata: { [this.init.target.provider]: metadata },
    };
  }

  private mapCandidate(candidate: GeminiCandidate, position: number): ChatChunkChoice | undefined {
    const index = candidate.index ?? position;
    const state = this.candidateState(index);
    const parts = readGeminiParts(candidate.content?.parts, state.ids);
    this.collect(state, candidate);
    const delta: ChatDelta = {};
    if (parts.text !== undefined && parts.text !== '') delta.content = parts.text;
    if (parts.reasoning !== undefined && parts.reasoning !== '') {
      delta.reasoning_content = parts.reasoning;
    }
    if (parts.toolCalls.length > 0) {
      delta.tool_calls = parts.toolCalls.map((call) => ({ index: state.toolCalls++, ...call }));
    }
    this.generated.push(
      parts.text ?? '',
      parts.reasoning ?? '',
      ...parts.toolCalls.map((call) => call.function.arguments),
    );
    const finish = mapGeminiFinishReason(candidate.finishReason, state.toolCalls > 0);
    const metadata: Record<string, unknown> = { ...parts.signatures };
    if (parts.otherParts.length > 0) metadata.other_parts = parts.otherParts;
    if (finish !== null) {
      state.finished = true;
      Object.assign(metadata, state.collected, { finish_reason: candidate.finishReason });
    }
    if (Object.keys(metadata).length > 0) {
      delta.provider_metadata = { [this.init.target.provider]: metadata };
    }
    if (Object.keys(delta).length === 0 && finish === null) return undefined;
    if (!state.started) {
      state.started = true;
      return { index, delta: { role: 'assistant', ...delta }, finish_reason: finish };
    }
    return { index, delta, finish_reason: finish };
  }

  private collect(state: CandidateState, candidate: GeminiCandidate): void {
    const { finish_reason: _finish, ...data } = candidateMetadata(candidate);
    if (data.citation_metadata !== undefined) {
      data.citation_metadata = mergeCitations(
        state.collected.citation_metadata,
        data.citation_metadata,
      );
    }
    state.collected = { ...state.collected, ...data };
  }

  private candidateState(index: number): CandidateState {
    let state = this.candidates.get(index);
    if (state === undefined) {
      state = {
        ids: new ToolCallIds(this.responseId, index),
        toolCalls: 0,
        started: false,
        finished: false,
        collected: {},
      };
      this.candidates.set(index, state);
    }
    return state;
  }

  private identify(response: GeminiResponse): void {
    if (this.identity !== undefined) return;
    this.responseId = response.responseId;
    this.identity = {
      id: response.responseId ?? `chatcmpl-${randomUUID()}`,
      object: 'chat.completion.chunk',
      created: createdAt(response.createTime),
      model: response.modelVersion ?? this.init.model,
    };
  }

  private identityFields(): StreamIdentity {
    this.identity ??= {
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion.chunk',
      created: createdAt(undefined),
      model: this.init.model,
    };
    return this.identity;
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

/** Maps a stream of SSE events; see the file comment for what ends and what fails a stream. */
export async function* mapGeminiStream(
  events: AsyncIterable<SseEvent>,
  init: GeminiStreamInit,
): AsyncGenerator<ChatChunk> {
  const state = new GeminiStreamState(init);
  for await (const event of events) {
    const chunk = state.accept(event);
    if (chunk !== undefined) yield chunk;
  }
  yield await state.end();
}
