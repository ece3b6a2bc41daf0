import type { FinishReason } from '../../core/chat-response.js';

/**
 * OpenAI's own finish reasons are the canonical ones. Compatible servers sometimes send others
 * (vLLM `abort`, `eos`, `max_tokens`...): those map to the closest canonical value and the raw
 * one is kept in `provider_metadata.<provider>.finish_reason` (STYLE habit 1).
 */

export interface MappedFinishReason {
  readonly reason: FinishReason | null;
  /** The upstream's value when it is not canonical, to keep beside the mapped one. */
  readonly raw: string | undefined;
}

const CANONICAL: ReadonlySet<string> = new Set<FinishReason>([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'function_call',
]);

const NONE: MappedFinishReason = { reason: null, raw: undefined };

export function mapOpenAIFinishReason(value: string | null | undefined): MappedFinishReason {
  if (value === null || value === undefined) return NONE;
  if (CANONICAL.has(value)) return { reason: value as FinishReason, raw: undefined };
  if (value === 'max_tokens' || value === 'model_length') return { reason: 'length', raw: value };
  if (value === 'tool_use' || value === 'tool_call') return { reason: 'tool_calls', raw: value };
  return { reason: 'stop', raw: value };
}
