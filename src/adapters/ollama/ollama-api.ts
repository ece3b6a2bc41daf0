import { z } from 'zod';

/**
 * Wire shapes of Ollama's native API. Requests are plain types; responses are zod schemas of
 * the fields we read (`.nullish()`, `.loose()`). Stream lines are not parsed here: that is the
 * hot path, see `read-ollama-chunk.ts`.
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
 */

export interface OllamaToolCall {
  readonly id?: string;
  readonly function: { readonly name: string; readonly arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  readonly thinking?: string;
  /** Base64 images (no data: prefix). */
  readonly images?: string[];
  readonly tool_calls?: OllamaToolCall[];
  /** The name of the tool whose result this is. */
  readonly tool_name?: string;
  /** The id of the call it answers, for servers that match results by id. */
  readonly tool_call_id?: string;
}

export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  stream: boolean;
  tools?: Array<{ type: 'function'; function: Record<string, unknown> }>;
  /** `"json"` or a JSON schema. */
  format?: 'json' | Record<string, unknown>;
  /** `true`/`false`, or a level for models that take one (gpt-oss). */
  think?: boolean | 'low' | 'medium' | 'high';
  options?: Record<string, unknown>;
  logprobs?: boolean;
  top_logprobs?: number;
  [key: string]: unknown;
}

export const ollamaToolCallSchema = z
  .object({
    id: z.string().nullish(),
    function: z
      .object({
        index: z.number().int().nullish(),
        name: z.string(),
        // An object on the wire; some models' parsers leave a JSON string.
        arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
      })
      .loose(),
  })
  .loose();

export const ollamaChatResponseSchema = z
  .object({
    model: z.string().nullish(),
    created_at: z.string().nullish(),
    message: z
      .object({
        role: z.string().nullish(),
        content: z.string().nullish(),
        thinking: z.string().nullish(),
        tool_calls: z.array(ollamaToolCallSchema).nullish(),
      })
      .loose(),
    done: z.boolean().nullish(),
    done_reason: z.string().nullish(),
    prompt_eval_count: z.number().int().nonnegative().nullish(),
    eval_count: z.number().int().nonnegative().nullish(),
    total_duration: z.number().nullish(),
    load_duration: z.number().nullish(),
    prompt_eval_duration: z.number().nullish(),
    eval_duration: z.number().nullish(),
    logprobs: z.array(z.unknown()).nullish(),
  })
  .loose();

export const ollamaEmbedResponseSchema = z
  .object({
    model: z.string().nullish(),
    embeddings: z.array(z.array(z.number())),
    prompt_eval_count: z.number().int().nonnegative().nullish(),
  })
  .loose();

/** Ollama's error body: `{"error": "..."}`. */
export const ollamaErrorBodySchema = z.object({ error: z.string() }).loose();

export type OllamaToolCallWire = z.infer<typeof ollamaToolCallSchema>;
export type OllamaChatResponse = z.infer<typeof ollamaChatResponseSchema>;
