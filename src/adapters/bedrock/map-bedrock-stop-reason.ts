import type { FinishReason } from '../../core/chat-response.js';

/**
 * Converse stop reasons → canonical finish reasons
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseResponse.html).
 * The raw value always goes to `provider_metadata.bedrock.stop_reason` beside the mapped one.
 * `guardrail_intervened` and `content_filtered` are filtering; `model_context_window_exceeded`
 * is a length stop; malformed model output or tool use still ended the turn (`stop`).
 */
export function mapBedrockStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      return 'stop';
  }
}
