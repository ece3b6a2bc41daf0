import type { FinishReason } from '../../core/chat-response.js';
import { metadataString, type AnthropicMetadata } from './anthropic-metadata.js';
import type { AnthropicStopReason } from './anthropic-response.js';

const STOP_REASONS: ReadonlySet<string> = new Set<AnthropicStopReason>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

export interface AnthropicStop {
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
}

/**
 * The canonical finish reason → Anthropic's stop reason: `stop` → `end_turn`, `length` →
 * `max_tokens`, `tool_calls` → `tool_use`, `content_filter` → `refusal`. When an anthropic
 * deployment answered, its raw stop reason (`provider_metadata.anthropic.stop_reason`) is
 * returned as it is, which also restores `stop_sequence` with the sequence that matched; other
 * providers do not say which sequence stopped them, so they report `end_turn`.
 * https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapToAnthropicStopReason(
  finishReason: FinishReason | null | undefined,
  raw: AnthropicMetadata,
): AnthropicStop {
  const rawReason = metadataString(raw, 'stop_reason');
  if (rawReason !== undefined && STOP_REASONS.has(rawReason)) {
    return {
      stop_reason: rawReason as AnthropicStopReason,
      stop_sequence: metadataString(raw, 'stop_sequence') ?? null,
    };
  }
  switch (finishReason) {
    case 'length':
      return { stop_reason: 'max_tokens', stop_sequence: null };
    case 'tool_calls':
    case 'function_call':
      return { stop_reason: 'tool_use', stop_sequence: null };
    case 'content_filter':
      return { stop_reason: 'refusal', stop_sequence: null };
    default:
      return { stop_reason: 'end_turn', stop_sequence: null };
  }
}
