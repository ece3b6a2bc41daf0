import { parseJson } from '../../core/json.js';
import { bedrockUsageSchema, type BedrockUsage } from './bedrock-api.js';

/**
 * One ConverseStream event payload → a narrow, hand-checked type. This is the per-chunk hot path
 * (most events are text deltas), so fields are checked by hand instead of a zod parse; the
 * once-per-stream `metadata` event goes through zod. Unknown event types (Bedrock adds members
 * over time, e.g. citations or image deltas) are `ignored`, never a failure.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 */

export type BedrockStreamEvent =
  | { readonly kind: 'messageStart' }
  | {
      readonly kind: 'toolStart';
      readonly blockIndex: number;
      readonly id: string;
      readonly name: string;
    }
  | { readonly kind: 'text'; readonly blockIndex: number; readonly text: string }
  | { readonly kind: 'toolInput'; readonly blockIndex: number; readonly input: string }
  | { readonly kind: 'reasoningText'; readonly text: string }
  | { readonly kind: 'reasoningSignature'; readonly signature: string }
  | { readonly kind: 'reasoningRedacted'; readonly data: string }
  | { readonly kind: 'blockStop'; readonly blockIndex: number }
  | {
      readonly kind: 'messageStop';
      readonly stopReason: string;
      readonly additionalFields: unknown;
    }
  | {
      readonly kind: 'metadata';
      readonly usage: BedrockUsage | undefined;
      readonly metrics: unknown;
      readonly trace: unknown;
    }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'invalid'; readonly reason: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

const IGNORED: BedrockStreamEvent = { kind: 'ignored' };

function invalid(reason: string): BedrockStreamEvent {
  return { kind: 'invalid', reason };
}

function readStart(value: JsonObject): BedrockStreamEvent {
  if (!isIndex(value.contentBlockIndex))
    return invalid('contentBlockStart has no contentBlockIndex');
  const start = value.start;
  if (!isObject(start) || !isObject(start.toolUse)) return IGNORED;
  const { toolUseId, name } = start.toolUse;
  if (typeof toolUseId !== 'string' || typeof name !== 'string') {
    return invalid('contentBlockStart.toolUse lacks toolUseId or name');
  }
  return { kind: 'toolStart', blockIndex: value.contentBlockIndex, id: toolUseId, name };
}

function readReasoning(reasoning: JsonObject): BedrockStreamEvent {
  if (typeof reasoning.text === 'string') return { kind: 'reasoningText', text: reasoning.text };
  if (typeof reasoning.signature === 'string') {
    return { kind: 'reasoningSignature', signature: reasoning.signature };
  }
  if (typeof reasoning.redactedContent === 'string') {
    return { kind: 'reasoningRedacted', data: reasoning.redactedContent };
  }
  return IGNORED;
}

function readDelta(value: JsonObject): BedrockStreamEvent {
  const blockIndex = value.contentBlockIndex;
  if (!isIndex(blockIndex)) return invalid('contentBlockDelta has no contentBlockIndex');
  const delta = value.delta;
  if (!isObject(delta)) return invalid('contentBlockDelta has no delta');
  if (typeof delta.text === 'string') return { kind: 'text', blockIndex, text: delta.text };
  if (isObject(delta.toolUse)) {
    const input = delta.toolUse.input;
    if (typeof input !== 'string') return invalid('delta.toolUse.input is not a string');
    return { kind: 'toolInput', blockIndex, input };
  }
  if (isObject(delta.reasoningContent)) return readReasoning(delta.reasoningContent);
  if (delta.text !== undefined) return invalid('delta.text is not a string');
  return IGNORED;
}

function readMetadata(value: JsonObject): BedrockStreamEvent {
  let usage: BedrockUsage | undefined;
  if (value.usage !== undefined && value.usage !== null) {
    const parsed = bedrockUsageSchema.safeParse(value.usage);
    if (!parsed.success) return invalid('metadata.usage has the wrong shape');
    usage = parsed.data;
  }
  return { kind: 'metadata', usage, metrics: value.metrics, trace: value.trace };
}

/** Reads the payload of one `event` message of type `eventType`. */
export function readBedrockEvent(eventType: string, payload: string): BedrockStreamEvent {
  const parsed = parseJson(payload);
  if (!parsed.ok) return invalid(`invalid JSON (${parsed.message})`);
  const value = parsed.value;
  if (!isObject(value)) return invalid('the event is not a JSON object');
  switch (eventType) {
    case 'messageStart':
      return { kind: 'messageStart' };
    case 'contentBlockStart':
      return readStart(value);
    case 'contentBlockDelta':
      return readDelta(value);
    case 'contentBlockStop':
      return isIndex(value.contentBlockIndex)
        ? { kind: 'blockStop', blockIndex: value.contentBlockIndex }
        : invalid('contentBlockStop has no contentBlockIndex');
    case 'messageStop':
      if (typeof value.stopReason !== 'string') return invalid('messageStop has no stopReason');
      return {
        kind: 'messageStop',
        stopReason: value.stopReason,
        additionalFields: value.additionalModelResponseFields,
      };
    case 'metadata':
      return readMetadata(value);
    default:
      return IGNORED;
  }
}
