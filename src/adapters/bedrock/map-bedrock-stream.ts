import { randomUUID } from 'node:crypto';
import type { WarningSink } from '../../core/adapter.js';
import type { ChatChunk, ChatDelta } from '../../core/chat-chunk.js';
import type { ChatMessage } from '../../core/chat-request.js';
import type { FinishReason } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import type { BedrockUsage } from './bedrock-api.js';
import { mapBedrockStreamException } from './bedrock-error.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';
import { readBedrockEvent, type BedrockStreamEvent } from './read-bedrock-event.js';
import { EventStreamFormatError, type EventStreamMessage } from './read-bedrock-event-stream.js';

/**
 * ConverseStream messages → canonical chunks, in one transform whose end emits the usage chunk:
 * - nothing is sent before the first content (text, reasoning or tool call): `messageStart`
 *   alone is not an answer, so an exception right after it still fails the call before its
 *   first chunk and the router can retry;
 * - each toolUse block gets the next OpenAI tool-call index (Bedrock numbers content blocks,
 *   text and reasoning included); its id and name go out with its first delta, its input
 *   fragments as argument fragments, and a tool without input deltas gets `{}`;
 * - reasoning text is `reasoning_content`; its signature (needed to send thinking back) and any
 *   redacted reasoning go to `delta.provider_metadata.bedrock`;
 * - `messageStop` gives the finish chunk (raw stop reason in provider_metadata), `metadata` the
 *   usage, sent as the final `choices: []` chunk; without metadata usage is estimated and
 *   marked `usage_estimated`;
 * - exception messages throw mapped GatewayErrors; an undecodable frame or event throws
 *   `upstream_invalid_response`; a body that ends before `messageStop` was cut off.
 */

export interface BedrockStreamInit {
  readonly target: UpstreamTarget;
  readonly model: string;
  readonly warnings: WarningSink;
  /** The request's messages, to estimate prompt tokens if Bedrock sends no usage. */
  readonly messages: readonly ChatMessage[];
}

interface ToolBlock {
  readonly index: number;
  hasInput: boolean;
}

class BedrockStreamState {
  private readonly init: BedrockStreamInit;
  private readonly id = `chatcmpl-${randomUUID()}`;
  private readonly created = Math.floor(Date.now() / 1000);
  private roleSent = false;
  private readonly tools = new Map<number, ToolBlock>();
  private generated = '';
  private reasoning = '';
  private stopped = false;
  private usage: BedrockUsage | undefined;
  private extras: Record<string, unknown> = {};

  constructor(init: BedrockStreamInit) {
    this.init = init;
  }

  /** One decoded message → chunks to send (usually zero or one). */
  accept(message: EventStreamMessage): ChatChunk[] {
    if (message.messageType === 'exception' || message.messageType === 'error') {
      throw mapBedrockStreamException(message, this.init.target);
    }
    if (message.messageType !== 'event') return [];
    const event = readBedrockEvent(message.type, message.payload);
    return this.apply(event, message.payload);
  }

  private apply(event: BedrockStreamEvent, payload: string): ChatChunk[] {
    switch (event.kind) {
      case 'messageStart':
      case 'ignored':
        return [];
      case 'invalid':
        throw invalidStream(this.init.target, `${event.reason}`, payload);
      case 'text':
        this.generated += event.text;
        return event.text === '' ? [] : [this.chunk({ content: event.text })];
      case 'reasoningText':
        this.reasoning += event.text;
        return event.text === '' ? [] : [this.chunk({ reasoning_content: event.text })];
      case 'reasoningSignature':
        return [this.chunk({ provider_metadata: { bedrock: { signature: event.signature } } })];
      case 'reasoningRedacted':
        return [
          this.chunk({ provider_metadata: { bedrock: { redacted_reasoning: [event.data] } } }),
        ];
      case 'toolStart':
        return [this.toolStart(event)];
      case 'toolInput':
        return [this.toolInput(event, payload)];
      case 'blockStop':
        return this.blockStop(event.blockIndex);
      case 'messageStop':
        return [this.messageStop(event)];
      case 'metadata':
        this.usage = event.usage;
        if (event.metrics !== undefined) this.extras.metrics = event.metrics;
        if (event.trace !== undefined) this.extras.trace = event.trace;
        return [];
    }
  }

  private toolStart(event: Extract<BedrockStreamEvent, { kind: 'toolStart' }>): ChatChunk {
    const tool: ToolBlock = { index: this.tools.size, hasInput: false };
    this.tools.set(event.blockIndex, tool);
    this.generated += event.name;
    return this.chunk({
      tool_calls: [
        {
          index: tool.index,
          id: event.id,
          type: 'function',
          function: { name: event.name, arguments: '' },
        },
      ],
    });
  }

  private toolInput(
    event: Extract<BedrockStreamEvent, { kind: 'toolInput' }>,
    payload: string,
  ): ChatChunk {
    const tool = this.tools.get(event.blockIndex);
    if (tool === undefined) {
      throw invalidStream(
        this.init.target,
        'tool input for a block that did not start as toolUse',
        payload,
      );
    }
    tool.hasInput = tool.hasInput || event.input !== '';
    this.generated += event.input;
    return this.chunk({
      tool_calls: [{ index: tool.index, function: { arguments: event.input } }],
    });
  }

  private blockStop(blockIndex: number): ChatChunk[] {
    const tool = this.tools.get(blockIndex);
    if (tool === undefined || tool.hasInput) return [];
    // A tool without parameters may stream no input at all; its arguments must still parse.
    tool.hasInput = true;
    return [this.chunk({ tool_calls: [{ index: tool.index, function: { arguments: '{}' } }] })];
  }

  private messageStop(event: Extract<BedrockStreamEvent, { kind: 'messageStop' }>): ChatChunk {
    this.stopped = true;
    const metadata: Record<string, unknown> = { stop_reason: event.stopReason };
    if (event.additionalFields !== undefined && event.additionalFields !== null) {
      metadata.additional_model_response_fields = event.additionalFields;
    }
    return this.chunk(
      { provider_metadata: { bedrock: metadata } },
      mapBedrockStopReason(event.stopReason),
    );
  }

  private chunk(delta: ChatDelta, finishReason: FinishReason | null = null): ChatChunk {
    const withRole: ChatDelta = this.roleSent ? delta : { role: 'assistant', ...delta };
    this.roleSent = true;
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.init.model,
      choices: [{ index: 0, delta: withRole, finish_reason: finishReason }],
    };
  }

  /** The final usage chunk; throws when the body ended before the answer did. */
  async end(): Promise<ChatChunk> {
    if (!this.stopped) {
      throw new GatewayError(
        'upstream_connection_failed',
        `${this.init.target.provider} ended the stream before it finished (no messageStop)`,
        { provider: this.init.target.provider },
      );
    }
    const metadata: Record<string, unknown> = { ...this.extras };
    const usage = await this.finalUsage(metadata);
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.init.model,
      choices: [],
      usage,
      ...(Object.keys(metadata).length > 0 ? { provider_metadata: { bedrock: metadata } } : {}),
    };
  }

  private async finalUsage(metadata: Record<string, unknown>): Promise<Usage> {
    const reasoningTokens =
      this.reasoning === '' ? undefined : await estimateTokens(this.reasoning);
    if (reasoningTokens !== undefined) metadata.reasoning_tokens_estimated = true;
    if (this.usage !== undefined) return mapBedrockUsage(this.usage, reasoningTokens);
    this.init.warnings.warn(
      `${this.init.target.provider} sent no usage in its stream; tokens were estimated`,
    );
    metadata.usage_estimated = true;
    const prompt = await estimatePromptTokens(this.init.messages);
    const completion = (await estimateTokens(this.generated)) + (reasoningTokens ?? 0);
    const usage = makeUsage(prompt, completion);
    if (reasoningTokens !== undefined) {
      usage.completion_tokens_details = { reasoning_tokens: reasoningTokens };
    }
    return usage;
  }
}

function invalidStream(target: UpstreamTarget, reason: string, payload: string): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${target.provider} sent a malformed stream event: ${reason}`,
    { provider: target.provider, upstreamBody: redactUpstreamBody(payload, target.secrets) },
  );
}

/** Maps decoded event-stream messages; see the file comment for what ends and fails a stream. */
export async function* mapBedrockStream(
  messages: AsyncIterable<EventStreamMessage>,
  init: BedrockStreamInit,
): AsyncGenerator<ChatChunk> {
  const state = new BedrockStreamState(init);
  try {
    for await (const message of messages) yield* state.accept(message);
  } catch (error) {
    if (error instanceof EventStreamFormatError) {
      throw invalidStream(init.target, `undecodable event-stream frame (${error.message})`, '');
    }
    throw error;
  }
  yield await state.end();
}
