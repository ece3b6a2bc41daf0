import type { FinishReason } from '../../core/chat-response.js';

/**
 * Ollama's `done_reason` → canonical finish reason. Ollama reports `stop` also when the turn
 * ended in tool calls, so calls decide first; `length` is the num_predict or context limit;
 * `load`/`unload` answer model-management requests and end a turn like `stop`. The raw value
 * goes to provider_metadata beside the mapped one.
 */
export function mapOllamaFinishReason(
  doneReason: string | undefined,
  hasToolCalls: boolean,
): FinishReason {
  if (hasToolCalls) return 'tool_calls';
  return doneReason === 'length' ? 'length' : 'stop';
}
