import type { ChatDelta } from '../../core/chat-chunk.js';
import { parseJson } from '../../core/json.js';
import { openAIUsageSchema, type OpenAIUsage } from './openai-api.js';

/**
 * Reads one `data:` payload of an OpenAI-compatible stream. This is the per-chunk hot path, so
 * instead of a zod parse it hand-checks exactly the fields the adapter reads and leaves the rest
 * of the (freshly parsed, unshared) object untouched, so unknown fields reach the client.
 * Measured on Node 20 (2-core machine, typical content and tool-call chunks): JSON.parse takes
 * 0.8–1.1 µs; this check adds under 0.2 µs, the equivalent loose zod schema 0.7–1.2 µs.
 *
 * It also repairs, in place, what compatible servers get wrong but is unambiguous:
 * - Azure's asynchronous content filter sends annotation chunks whose choices have no `delta`
 *   (https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter-streaming):
 *   they get an empty delta.
 * - Some servers (Gemini's OpenAI compatibility layer among them) omit `index` on tool call
 *   deltas: the position in the array is used.
 */

/** A choice after the check: `delta` is a canonical delta, `finish_reason` still raw. */
export interface OpenAIChunkChoice {
  readonly index: number;
  readonly delta: ChatDelta;
  readonly finish_reason: string | null | undefined;
  readonly [key: string]: unknown;
}

export interface OpenAIChunk {
  readonly id: string | undefined;
  readonly created: number | undefined;
  readonly model: string | undefined;
  readonly choices: readonly OpenAIChunkChoice[];
  readonly usage: OpenAIUsage | null | undefined;
  readonly [key: string]: unknown;
}

export type OpenAIStreamPayload =
  /** `repaired`: the check changed the parsed object, so it no longer says what the text says. */
  | { readonly kind: 'chunk'; readonly chunk: OpenAIChunk; readonly repaired: boolean }
  /** `data: {"error": {...}}`: the upstream failed mid-stream. */
  | { readonly kind: 'error'; readonly payload: { readonly error: unknown } }
  | { readonly kind: 'invalid'; readonly reason: string };

type JsonObject = Record<string, unknown>;

/**
 * Repairs made by the check of the chunk being read. The check is synchronous and reads one chunk
 * at a time, so one counter, reset by readOpenAIChunk, is enough.
 */
let repairs = 0;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Checks (and repairs) one tool call delta; returns the problem, or undefined. */
function checkToolCall(call: unknown, position: number): string | undefined {
  if (!isObject(call)) return 'a tool call delta is not an object';
  if (call.index === undefined || call.index === null) {
    call.index = position;
    repairs += 1;
  } else if (!isIndex(call.index)) return 'tool call index is not a non-negative integer';
  if (!isOptionalString(call.id)) return 'tool call id is not a string';
  if (call.type !== undefined && call.type !== null && call.type !== 'function') {
    return 'tool call type is not "function"';
  }
  const fn = call.function;
  if (fn === undefined || fn === null) return undefined;
  if (!isObject(fn)) return 'tool call function is not an object';
  if (!isOptionalString(fn.name) || !isOptionalString(fn.arguments)) {
    return 'tool call name or arguments is not a string';
  }
  return undefined;
}

function checkDelta(delta: JsonObject): string | undefined {
  if (!isOptionalString(delta.content)) return 'delta.content is not a string';
  if (!isOptionalString(delta.refusal)) return 'delta.refusal is not a string';
  if (!isOptionalString(delta.reasoning_content)) return 'delta.reasoning_content is not a string';
  if (delta.role !== undefined && delta.role !== null && delta.role !== 'assistant') {
    // Only assistant deltas exist in Chat Completions; servers that repeat another role on
    // every chunk (or send "") still mean the assistant.
    if (typeof delta.role !== 'string') return 'delta.role is not a string';
    delta.role = 'assistant';
    repairs += 1;
  }
  if (delta.provider_metadata !== undefined && !isObject(delta.provider_metadata)) {
    delta.provider_metadata = undefined;
    repairs += 1;
  }
  const calls = delta.tool_calls;
  if (calls === undefined || calls === null) return undefined;
  if (!Array.isArray(calls)) return 'delta.tool_calls is not an array';
  for (let position = 0; position < calls.length; position += 1) {
    const problem = checkToolCall(calls[position], position);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkChoice(choice: unknown, position: number): string | undefined {
  if (!isObject(choice)) return 'a choice is not an object';
  if (choice.index === undefined || choice.index === null) {
    choice.index = position;
    repairs += 1;
  } else if (!isIndex(choice.index)) return 'choice index is not a non-negative integer';
  if (!isOptionalString(choice.finish_reason)) return 'finish_reason is not a string';
  if (choice.delta === undefined || choice.delta === null) {
    choice.delta = {};
    repairs += 1;
    return undefined;
  }
  if (!isObject(choice.delta)) return 'delta is not an object';
  return checkDelta(choice.delta);
}

function checkChunk(value: JsonObject): string | undefined {
  if (!isOptionalString(value.id) || !isOptionalString(value.model)) {
    return 'id or model is not a string';
  }
  if (value.created !== undefined && value.created !== null && typeof value.created !== 'number') {
    return 'created is not a number';
  }
  if (value.usage !== undefined && value.usage !== null) {
    // Once per stream: a full zod parse costs nothing here and validates the detail objects.
    const usage = openAIUsageSchema.safeParse(value.usage);
    if (!usage.success) return 'usage has the wrong shape';
    value.usage = usage.data;
    // zod's output is a new object (unknown detail fields dropped): not the text's any more.
    repairs += 1;
  }
  const choices = value.choices;
  if (choices === undefined && value.usage !== undefined && value.usage !== null) {
    // A usage-only chunk from a server that leaves out the empty choices array.
    value.choices = [];
    repairs += 1;
    return undefined;
  }
  if (!Array.isArray(choices)) return 'choices is not an array';
  for (let position = 0; position < choices.length; position += 1) {
    const problem = checkChoice(choices[position], position);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Parses and checks one `data:` payload (not `[DONE]`). */
export function readOpenAIChunk(data: string): OpenAIStreamPayload {
  const parsed = parseJson(data);
  if (!parsed.ok) return { kind: 'invalid', reason: `invalid JSON (${parsed.message})` };
  const value = parsed.value;
  if (!isObject(value)) return { kind: 'invalid', reason: 'the chunk is not a JSON object' };
  if (value.error !== undefined && value.error !== null) {
    return { kind: 'error', payload: { error: value.error } };
  }
  repairs = 0;
  const problem = checkChunk(value);
  if (problem !== undefined) return { kind: 'invalid', reason: problem };
  // Every field read through OpenAIChunk was checked (or repaired) above.
  return { kind: 'chunk', chunk: value as unknown as OpenAIChunk, repaired: repairs > 0 };
}
