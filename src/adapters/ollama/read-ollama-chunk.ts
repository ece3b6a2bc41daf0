import { parseJson } from '../../core/json.js';

/**
 * One NDJSON line of an `/api/chat` stream → a narrow, hand-checked type. This is the per-token
 * hot path, so the fields we read are checked by hand instead of with a zod parse.
 * Tool calls arrive whole, never as fragments (https://ollama.com/blog/streaming-tool).
 */

export interface OllamaChunkToolCall {
  readonly id: string | undefined;
  readonly name: string;
  /** The arguments as JSON text. */
  readonly arguments: string;
}

export interface OllamaChunk {
  readonly model: string | undefined;
  readonly createdAt: string | undefined;
  readonly content: string;
  readonly thinking: string;
  readonly toolCalls: readonly OllamaChunkToolCall[];
  readonly done: boolean;
  readonly doneReason: string | undefined;
  readonly promptEvalCount: number | undefined;
  readonly evalCount: number | undefined;
  readonly logprobs: readonly unknown[] | undefined;
  /** Timings of the final line (nanoseconds), for provider_metadata. */
  readonly timings: Readonly<Record<string, number>>;
}

export type OllamaLine =
  | { readonly kind: 'chunk'; readonly chunk: OllamaChunk }
  | { readonly kind: 'error' }
  | { readonly kind: 'invalid'; readonly reason: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined | false {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : false;
}

function count(value: unknown): number | undefined | false {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : false;
}

const TIMING_FIELDS = ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'];

function readToolCall(value: unknown): OllamaChunkToolCall | string {
  if (!isObject(value) || !isObject(value.function)) return 'a tool call has no function';
  const { name, arguments: args } = value.function;
  if (typeof name !== 'string') return 'a tool call has no name';
  const id = optionalString(value.id);
  if (id === false) return 'a tool call id is not a string';
  let text: string;
  if (args === undefined || args === null) text = '{}';
  else if (typeof args === 'string') text = args;
  else if (isObject(args)) text = JSON.stringify(args);
  else return 'tool call arguments are neither an object nor a string';
  return { id, name, arguments: text };
}

function readMessage(
  message: unknown,
): Pick<OllamaChunk, 'content' | 'thinking' | 'toolCalls'> | string {
  if (message === undefined || message === null)
    return { content: '', thinking: '', toolCalls: [] };
  if (!isObject(message)) return 'message is not an object';
  const content = optionalString(message.content);
  const thinking = optionalString(message.thinking);
  if (content === false || thinking === false) return 'message content or thinking is not a string';
  const toolCalls: OllamaChunkToolCall[] = [];
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    if (!Array.isArray(message.tool_calls)) return 'message.tool_calls is not an array';
    for (const call of message.tool_calls) {
      const read = readToolCall(call);
      if (typeof read === 'string') return read;
      toolCalls.push(read);
    }
  }
  return { content: content ?? '', thinking: thinking ?? '', toolCalls };
}

/** Parses and checks one line. */
export function readOllamaLine(line: string): OllamaLine {
  const parsed = parseJson(line);
  if (!parsed.ok) return { kind: 'invalid', reason: `invalid JSON (${parsed.message})` };
  const value = parsed.value;
  if (!isObject(value)) return { kind: 'invalid', reason: 'the line is not a JSON object' };
  if (typeof value.error === 'string') return { kind: 'error' };
  const message = readMessage(value.message);
  if (typeof message === 'string') return { kind: 'invalid', reason: message };
  const model = optionalString(value.model);
  const createdAt = optionalString(value.created_at);
  const doneReason = optionalString(value.done_reason);
  const promptEvalCount = count(value.prompt_eval_count);
  const evalCount = count(value.eval_count);
  if (model === false || createdAt === false || doneReason === false) {
    return { kind: 'invalid', reason: 'model, created_at or done_reason is not a string' };
  }
  if (promptEvalCount === false || evalCount === false) {
    return { kind: 'invalid', reason: 'a token count is not a non-negative integer' };
  }
  if (value.done !== undefined && typeof value.done !== 'boolean') {
    return { kind: 'invalid', reason: 'done is not a boolean' };
  }
  const timings: Record<string, number> = {};
  for (const field of TIMING_FIELDS) {
    const timing = value[field];
    if (typeof timing === 'number') timings[field] = timing;
  }
  return {
    kind: 'chunk',
    chunk: {
      ...message,
      model,
      createdAt,
      done: value.done === true,
      doneReason,
      promptEvalCount,
      evalCount,
      logprobs: Array.isArray(value.logprobs) ? value.logprobs : undefined,
      timings,
    },
  };
}
