import { z } from 'zod';

/**
 * Wire shapes of the Anthropic Messages API (https://docs.anthropic.com/en/api/messages).
 * Response schemas list only the fields the adapter reads, `.nullish()` where the API may leave
 * them out, and `.loose()` so new fields do not break parsing. Request types are plain
 * TypeScript: we build them, nobody else does. Stream events are not parsed with zod: that is
 * the hot path, see `read-anthropic-event.ts`.
 */

// --- Request -------------------------------------------------------------------------------------

/** `{ type: 'ephemeral', ttl?: '5m' | '1h' }`, passed through as the client sent it. */
export type AnthropicCacheControl = Record<string, unknown>;

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicDocumentBlock {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string };
  title?: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | AnthropicTextBlock[];
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicContentBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  strict?: boolean;
  cache_control?: AnthropicCacheControl;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type AnthropicThinking =
  { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' } | { type: 'disabled' };

/** The request body the adapter builds (before `provider_options.anthropic` is merged in). */
export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinking;
  output_config?: {
    effort?: string;
    format?: { type: 'json_schema'; schema: Record<string, unknown> };
  };
  metadata?: { user_id: string };
  stream?: boolean;
}

// --- Response ------------------------------------------------------------------------------------

export const anthropicUsageSchema = z
  .object({
    input_tokens: z.number().int().nonnegative().nullish(),
    output_tokens: z.number().int().nonnegative().nullish(),
    cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
    cache_read_input_tokens: z.number().int().nonnegative().nullish(),
    /** Newer API versions split reasoning out of output_tokens. */
    output_tokens_details: z
      .object({ thinking_tokens: z.number().int().nonnegative().nullish() })
      .loose()
      .nullish(),
  })
  .loose();

const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() }).loose();
const thinkingBlockSchema = z
  .object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() })
  .loose();
const redactedThinkingBlockSchema = z
  .object({ type: z.literal('redacted_thinking'), data: z.string() })
  .loose();
const toolUseBlockSchema = z
  .object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() })
  .loose();
/** Server tool blocks, citations' search results...: kept for provider_metadata. */
const otherBlockSchema = z.object({ type: z.string() }).loose();

export const anthropicResponseBlockSchema = z.union([
  textBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
  toolUseBlockSchema,
  otherBlockSchema,
]);

export const anthropicResponseSchema = z
  .object({
    id: z.string(),
    type: z.literal('message').nullish(),
    model: z.string().nullish(),
    content: z.array(anthropicResponseBlockSchema),
    stop_reason: z.string().nullish(),
    stop_sequence: z.string().nullish(),
    usage: anthropicUsageSchema.nullish(),
  })
  .loose();

export const anthropicErrorBodySchema = z
  .object({
    type: z.literal('error').nullish(),
    error: z.object({ type: z.string().nullish(), message: z.string().nullish() }).loose(),
  })
  .loose();

export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;
export type AnthropicResponse = z.infer<typeof anthropicResponseSchema>;
export type AnthropicResponseBlock = z.infer<typeof anthropicResponseBlockSchema>;
export type AnthropicErrorDetail = z.infer<typeof anthropicErrorBodySchema>['error'];
