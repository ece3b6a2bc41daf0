import { z } from 'zod';
import { usageSchema } from '../../core/usage.js';

/**
 * Wire schemas of the OpenAI Chat Completions and Embeddings APIs, as OpenAI-compatible servers
 * actually answer them. They list only the fields the adapter reads, all `.nullish()` where
 * servers differ, and are `.loose()` so that fields we do not know (`service_tier`, Azure's
 * `prompt_filter_results`, `annotations`...) reach the client unchanged.
 * https://platform.openai.com/docs/api-reference/chat/object
 *
 * Stream chunks are not parsed here: that is the hot path, see `parse-openai-chunk.ts`.
 */

export const openAIUsageSchema = z
  .object({
    prompt_tokens: z.number().int().nonnegative().nullish(),
    completion_tokens: z.number().int().nonnegative().nullish(),
    total_tokens: z.number().int().nonnegative().nullish(),
    // Same shape as canonical usage: cached and reasoning tokens drive cost.
    prompt_tokens_details: usageSchema.shape.prompt_tokens_details,
    completion_tokens_details: usageSchema.shape.completion_tokens_details,
  })
  .loose();

export const openAIToolCallSchema = z
  .object({
    id: z.string(),
    // Some compatible servers omit `type`; OpenAI only has function tools in Chat Completions.
    type: z.string().nullish(),
    function: z.object({ name: z.string(), arguments: z.string() }).loose(),
  })
  .loose();

export const openAIMessageSchema = z
  .object({
    content: z.string().nullish(),
    refusal: z.string().nullish(),
    tool_calls: z.array(openAIToolCallSchema).nullish(),
    // DeepSeek, vLLM and others return reasoning here; it is also the canonical field name.
    reasoning_content: z.string().nullish(),
  })
  .loose();

export const openAIChoiceSchema = z
  .object({
    index: z.number().int().nonnegative().nullish(),
    message: openAIMessageSchema,
    finish_reason: z.string().nullish(),
  })
  .loose();

export const openAIChatResponseSchema = z
  .object({
    id: z.string().nullish(),
    created: z.number().int().nullish(),
    model: z.string().nullish(),
    choices: z.array(openAIChoiceSchema),
    usage: openAIUsageSchema.nullish(),
  })
  .loose();

export const openAIEmbeddingResponseSchema = z
  .object({
    data: z.array(
      z
        .object({
          index: z.number().int().nonnegative().nullish(),
          // Base64 little-endian float32 when we asked for it; a float array from servers that
          // ignore `encoding_format`.
          embedding: z.union([z.string(), z.array(z.number())]),
        })
        .loose(),
    ),
    model: z.string().nullish(),
    usage: openAIUsageSchema.nullish(),
  })
  .loose();

/**
 * OpenAI's error envelope `{"error":{"message","type","param","code"}}`
 * (https://platform.openai.com/docs/guides/error-codes). Azure adds `innererror`
 * (https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter); vLLM sends a
 * numeric `code`; some servers send `{"error": "text"}`.
 */
export const openAIErrorDetailSchema = z
  .object({
    message: z.string().nullish(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
    innererror: z.object({ code: z.string().nullish() }).loose().nullish(),
  })
  .loose();

export const openAIErrorBodySchema = z
  .object({ error: z.union([openAIErrorDetailSchema, z.string()]) })
  .loose();

export type OpenAIUsage = z.infer<typeof openAIUsageSchema>;
export type OpenAIChatResponse = z.infer<typeof openAIChatResponseSchema>;
export type OpenAIChoice = z.infer<typeof openAIChoiceSchema>;
export type OpenAIEmbeddingResponse = z.infer<typeof openAIEmbeddingResponseSchema>;
export type OpenAIErrorDetail = z.infer<typeof openAIErrorDetailSchema>;
