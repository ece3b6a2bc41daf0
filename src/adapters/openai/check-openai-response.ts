import { openAIUsageSchema, type OpenAIChatResponse } from './openai-api.js';

/**
 * A hand check of a parsed Chat Completions body against exactly what `openAIChatResponseSchema`
 * requires, for the per-request hot path: the zod parse copied every object of the body and was a
 * measurable share of a JSON request's CPU in the benchmark (BENCHMARKS.md notes). It accepts
 * only what the schema accepts and returns undefined for anything else, so the caller falls back
 * to the zod parse, which then reports the problem. The body was freshly parsed and is shared with
 * nothing, so it is returned as is (unknown fields stay where the upstream put them).
 */

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNullish(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function isOptionalString(value: unknown): boolean {
  return isNullish(value) || typeof value === 'string';
}

function isOptionalIndex(value: unknown): boolean {
  return isNullish(value) || (Number.isSafeInteger(value) && (value as number) >= 0);
}

function isToolCall(call: unknown): boolean {
  if (!isObject(call) || typeof call.id !== 'string' || !isOptionalString(call.type)) return false;
  const fn = call.function;
  return isObject(fn) && typeof fn.name === 'string' && typeof fn.arguments === 'string';
}

function isMessage(message: unknown): boolean {
  if (!isObject(message)) return false;
  if (!isOptionalString(message.content) || !isOptionalString(message.refusal)) return false;
  if (!isOptionalString(message.reasoning_content)) return false;
  const calls = message.tool_calls;
  return isNullish(calls) || (Array.isArray(calls) && calls.every(isToolCall));
}

function isChoice(choice: unknown): boolean {
  return (
    isObject(choice) &&
    isOptionalIndex(choice.index) &&
    isOptionalString(choice.finish_reason) &&
    isMessage(choice.message)
  );
}

/** The body as the schema's output type when it passes, else undefined (parse it with zod). */
export function checkOpenAIResponse(value: unknown): OpenAIChatResponse | undefined {
  if (!isObject(value)) return undefined;
  if (!isOptionalString(value.id) || !isOptionalString(value.model)) return undefined;
  if (!isNullish(value.created) && !Number.isSafeInteger(value.created)) return undefined;
  const choices = value.choices;
  if (!Array.isArray(choices) || !choices.every(isChoice)) return undefined;
  if (!isNullish(value.usage)) {
    // Once per request and with nested detail objects: zod is the right tool here.
    const usage = openAIUsageSchema.safeParse(value.usage);
    if (!usage.success) return undefined;
    value.usage = usage.data;
  }
  // Every field the schema lists was checked above.
  return value as OpenAIChatResponse;
}
