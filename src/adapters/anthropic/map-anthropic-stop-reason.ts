import type { FinishReason } from '../../core/chat-response.js';

/**
 * Anthropic's `stop_reason` → OpenAI's finish_reason
 * (https://docs.anthropic.com/en/api/handling-stop-reasons). The raw value always goes to
 * `provider_metadata.anthropic.stop_reason` beside it.
 *
 * - `end_turn`, `stop_sequence` → `stop`
 * - `max_tokens`, `model_context_window_exceeded` → `length`
 * - `tool_use` → `tool_calls` (or `stop` when the call is the forced tool carrying an emulated
 *   structured answer, which the client receives as content)
 * - `refusal` (the streaming classifiers stopped the answer) → `content_filter`
 * - `pause_turn` (a long server-tool turn paused; send the turn back to continue) → `stop`
 * - anything unknown → `stop`
 */
export function mapAnthropicStopReason(
  stopReason: string | null | undefined,
  answeredWithJsonTool = false,
): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return answeredWithJsonTool ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
