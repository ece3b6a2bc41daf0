/**
 * The Anthropic Messages API response and stream events as Tollgate writes them
 * (https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/docs/build-with-claude/streaming).
 * Only what Tollgate produces is typed; the official SDK's types are the reference.
 */

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

/** Usage as Anthropic counts it: `input_tokens` excludes cache reads and writes. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicTextContent {
  type: 'text';
  text: string;
}

export interface AnthropicThinkingContent {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingContent {
  type: 'redacted_thinking';
  data: string;
}

export interface AnthropicToolUseContent {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/**
 * A block an anthropic deployment returned that has no canonical form (server tool use, web
 * search results...), passed back as it came (`provider_metadata.anthropic.content`).
 */
export interface AnthropicOtherContent {
  type: string;
  [key: string]: unknown;
}

export type AnthropicResponseContent =
  | AnthropicTextContent
  | AnthropicThinkingContent
  | AnthropicRedactedThinkingContent
  | AnthropicToolUseContent
  | AnthropicOtherContent;

export interface AnthropicMessage {
  /** `msg_…`. */
  id: string;
  type: 'message';
  role: 'assistant';
  /** The model that answered, as its provider named it. */
  model: string;
  content: AnthropicResponseContent[];
  /** Null only in `message_start`. */
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export type AnthropicContentDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string };

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: AnthropicResponseContent }
  | { type: 'content_block_delta'; index: number; delta: AnthropicContentDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: AnthropicStopReason; stop_sequence: string | null };
      usage: AnthropicUsage;
    }
  | { type: 'message_stop' };
