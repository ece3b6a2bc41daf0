import { parseJson } from '../../core/json.js';
import { anthropicUsageSchema, type AnthropicUsage } from './anthropic-api.js';

/**
 * Reads one server-sent event of a Messages stream
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types). This is the
 * per-event hot path: the many `content_block_delta` events are hand-checked for exactly the
 * fields the mapper reads instead of going through zod; the two events that carry usage
 * (`message_start`, `message_delta`) parse it with zod.
 */

export interface AnthropicBlockStart {
  readonly type: string;
  readonly [key: string]: unknown;
}

export type AnthropicDelta =
  | { readonly type: 'text_delta'; readonly text: string }
  | { readonly type: 'input_json_delta'; readonly partial_json: string }
  | { readonly type: 'thinking_delta'; readonly thinking: string }
  | { readonly type: 'signature_delta'; readonly signature: string }
  | { readonly type: 'citations_delta'; readonly citation: unknown }
  /** A delta type this adapter does not know (ignored). */
  | { readonly type: 'other' };

export type AnthropicEvent =
  | {
      readonly kind: 'message_start';
      readonly id: string;
      readonly model: string | undefined;
      readonly usage: AnthropicUsage | undefined;
    }
  | { readonly kind: 'block_start'; readonly index: number; readonly block: AnthropicBlockStart }
  | { readonly kind: 'block_delta'; readonly index: number; readonly delta: AnthropicDelta }
  | { readonly kind: 'block_stop'; readonly index: number }
  | {
      readonly kind: 'message_delta';
      readonly stopReason: string | undefined;
      readonly stopSequence: string | undefined;
      readonly usage: AnthropicUsage | undefined;
    }
  | { readonly kind: 'message_stop' }
  | { readonly kind: 'ping' }
  /** The `error` event: the upstream failed mid-stream. */
  | { readonly kind: 'error' }
  /** An event type added after this adapter was written: ignored, as Anthropic asks. */
  | { readonly kind: 'unknown' }
  | { readonly kind: 'invalid'; readonly reason: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const invalid = (reason: string): AnthropicEvent => ({ kind: 'invalid', reason });

function readUsage(value: unknown): AnthropicUsage | undefined | 'invalid' {
  if (value === undefined || value === null) return undefined;
  const parsed = anthropicUsageSchema.safeParse(value);
  return parsed.success ? parsed.data : 'invalid';
}

function readDelta(delta: unknown): AnthropicDelta | string {
  if (!isObject(delta) || typeof delta.type !== 'string') return 'delta has no type';
  switch (delta.type) {
    case 'text_delta':
      return typeof delta.text === 'string'
        ? { type: 'text_delta', text: delta.text }
        : 'text_delta.text is not a string';
    case 'input_json_delta':
      return typeof delta.partial_json === 'string'
        ? { type: 'input_json_delta', partial_json: delta.partial_json }
        : 'input_json_delta.partial_json is not a string';
    case 'thinking_delta':
      return typeof delta.thinking === 'string'
        ? { type: 'thinking_delta', thinking: delta.thinking }
        : 'thinking_delta.thinking is not a string';
    case 'signature_delta':
      return typeof delta.signature === 'string'
        ? { type: 'signature_delta', signature: delta.signature }
        : 'signature_delta.signature is not a string';
    case 'citations_delta':
      return { type: 'citations_delta', citation: delta.citation };
    default:
      return { type: 'other' };
  }
}

function readMessageStart(payload: JsonObject): AnthropicEvent {
  const message = payload.message;
  if (!isObject(message) || typeof message.id !== 'string')
    return invalid('message_start has no message id');
  const usage = readUsage(message.usage);
  if (usage === 'invalid') return invalid('message_start has an invalid usage');
  return { kind: 'message_start', id: message.id, model: optionalString(message.model), usage };
}

function readMessageDelta(payload: JsonObject): AnthropicEvent {
  const delta = isObject(payload.delta) ? payload.delta : {};
  const usage = readUsage(payload.usage);
  if (usage === 'invalid') return invalid('message_delta has an invalid usage');
  return {
    kind: 'message_delta',
    stopReason: optionalString(delta.stop_reason),
    stopSequence: optionalString(delta.stop_sequence),
    usage,
  };
}

export function readAnthropicEvent(data: string): AnthropicEvent {
  const parsed = parseJson(data);
  if (!parsed.ok) return invalid(parsed.message);
  const payload = parsed.value;
  if (!isObject(payload) || typeof payload.type !== 'string') return invalid('event has no type');
  switch (payload.type) {
    case 'content_block_delta': {
      if (!isIndex(payload.index)) return invalid('content_block_delta has no index');
      const delta = readDelta(payload.delta);
      if (typeof delta === 'string') return invalid(delta);
      return { kind: 'block_delta', index: payload.index, delta };
    }
    case 'content_block_start': {
      const block = payload.content_block;
      if (!isIndex(payload.index)) return invalid('content_block_start has no index');
      if (!isObject(block) || typeof block.type !== 'string') {
        return invalid('content_block_start has no content_block type');
      }
      return { kind: 'block_start', index: payload.index, block: block as AnthropicBlockStart };
    }
    case 'content_block_stop':
      return isIndex(payload.index)
        ? { kind: 'block_stop', index: payload.index }
        : invalid('content_block_stop has no index');
    case 'message_start':
      return readMessageStart(payload);
    case 'message_delta':
      return readMessageDelta(payload);
    case 'message_stop':
      return { kind: 'message_stop' };
    case 'ping':
      return { kind: 'ping' };
    case 'error':
      return { kind: 'error' };
    default:
      return { kind: 'unknown' };
  }
}
