import type { ChatChunk } from '../core/chat-chunk.js';
import type { ChatChoice, ChatResponse, FinishReason } from '../core/chat-response.js';
import type { Usage } from '../core/usage.js';

/** One tool call as its deltas arrive: id and name first, argument fragments after. */
interface ToolCallParts {
  id: string | undefined;
  name: string | undefined;
  readonly args: string[];
}

/** What the deltas of one choice add up to. */
interface ChoiceParts {
  readonly content: string[];
  readonly reasoning: string[];
  readonly refusal: string[];
  readonly toolCalls: Map<number, ToolCallParts>;
  finish: FinishReason | undefined;
  providerMetadata: Record<string, unknown> | undefined;
}

/**
 * Assembles the canonical chunks of a stream into the answer the same request would have had as
 * JSON, so that a completed stream can be cached like a JSON answer: content, reasoning and
 * refusal text joined, tool calls with their argument fragments concatenated, each choice's
 * finish reason, the usage (cached and reasoning token details included) and provider metadata.
 * `response()` is undefined for a stream that cannot be stored as a whole answer: one where a
 * choice never finished, a tool call lacked its id or name, or log probabilities were streamed.
 */
export class StreamAnswer {
  private id: string | undefined;
  private created = 0;
  private model = '';
  private systemFingerprint: string | undefined;
  private usage: Usage | undefined;
  private providerMetadata: Record<string, unknown> | undefined;
  private readonly choices = new Map<number, ChoiceParts>();
  private storable = true;

  add(chunk: ChatChunk): void {
    if (this.id === undefined) {
      this.id = chunk.id;
      this.created = chunk.created;
      this.model = chunk.model;
    }
    if (chunk.system_fingerprint != null) this.systemFingerprint = chunk.system_fingerprint;
    if (chunk.usage != null) {
      // A copy without the gateway's own `cost`: the stream's consumer writes it on its chunk.
      const { cost: _cost, ...usage } = chunk.usage;
      this.usage = usage;
    }
    if (chunk.provider_metadata != null) {
      this.providerMetadata = mergeMetadata(this.providerMetadata, chunk.provider_metadata);
    }
    for (const choice of chunk.choices) {
      const parts = this.partsOf(choice.index);
      const delta = choice.delta;
      if (delta.content) parts.content.push(delta.content);
      if (delta.reasoning_content) parts.reasoning.push(delta.reasoning_content);
      if (delta.refusal) parts.refusal.push(delta.refusal);
      if (delta.provider_metadata != null) {
        parts.providerMetadata = mergeMetadata(parts.providerMetadata, delta.provider_metadata);
      }
      for (const call of delta.tool_calls ?? []) {
        let tool = parts.toolCalls.get(call.index);
        if (tool === undefined) {
          tool = { id: undefined, name: undefined, args: [] };
          parts.toolCalls.set(call.index, tool);
        }
        if (call.id) tool.id = call.id;
        if (call.function?.name) tool.name = call.function.name;
        if (call.function?.arguments) tool.args.push(call.function.arguments);
      }
      if (choice.finish_reason != null) parts.finish = choice.finish_reason;
      // Log probabilities are not assembled: such a stream is served but not stored.
      if (choice.logprobs != null) this.storable = false;
    }
  }

  /** The whole answer, or undefined when the stream cannot stand for one (see the class). */
  response(): ChatResponse | undefined {
    if (!this.storable || this.id === undefined || this.choices.size === 0) return undefined;
    const choices: ChatChoice[] = [];
    for (const [index, parts] of [...this.choices].sort(([a], [b]) => a - b)) {
      const choice = toChoice(index, parts);
      if (choice === undefined) return undefined;
      choices.push(choice);
    }
    const response: ChatResponse = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
    };
    if (this.usage !== undefined) response.usage = this.usage;
    if (this.systemFingerprint !== undefined) response.system_fingerprint = this.systemFingerprint;
    if (this.providerMetadata !== undefined) response.provider_metadata = this.providerMetadata;
    return response;
  }

  private partsOf(index: number): ChoiceParts {
    let parts = this.choices.get(index);
    if (parts === undefined) {
      parts = {
        content: [],
        reasoning: [],
        refusal: [],
        toolCalls: new Map(),
        finish: undefined,
        providerMetadata: undefined,
      };
      this.choices.set(index, parts);
    }
    return parts;
  }
}

/** One finished choice as JSON has it; undefined when it never finished or a call is partial. */
function toChoice(index: number, parts: ChoiceParts): ChatChoice | undefined {
  if (parts.finish === undefined) return undefined;
  const toolCalls = [];
  for (const [, tool] of [...parts.toolCalls].sort(([a], [b]) => a - b)) {
    if (tool.id === undefined || tool.name === undefined) return undefined;
    toolCalls.push({
      id: tool.id,
      type: 'function' as const,
      function: { name: tool.name, arguments: tool.args.join('') },
    });
  }
  const text = parts.content.join('');
  const message: ChatChoice['message'] = {
    role: 'assistant',
    // As providers answer in JSON: no text beside tool calls is `null`, not "".
    content: text === '' && toolCalls.length > 0 ? null : text,
  };
  if (parts.reasoning.length > 0) message.reasoning_content = parts.reasoning.join('');
  if (parts.refusal.length > 0) message.refusal = parts.refusal.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (parts.providerMetadata !== undefined) message.provider_metadata = parts.providerMetadata;
  return { index, message, finish_reason: parts.finish };
}

/**
 * Provider data of later chunks added to earlier ones: per provider namespace (`openai`,
 * `gemini`...), the fields of both, the later value winning for a field sent twice.
 */
function mergeMetadata(
  earlier: Record<string, unknown> | undefined,
  later: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...earlier };
  for (const [name, value] of Object.entries(later)) {
    const before = merged[name];
    merged[name] = isRecord(before) && isRecord(value) ? { ...before, ...value } : value;
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
