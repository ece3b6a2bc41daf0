import { z } from 'zod';
import { cacheControlsSchema } from './chat-request.js';

export const embeddingRequestSchema = z
  .object({
    /** The model group (or `provider/model`) to embed with. */
    model: z.string().min(1),
    /** One text, several texts, or token arrays. */
    input: z.union([
      z.string(),
      z.array(z.string()).min(1).max(2048),
      z.array(z.number().int()).min(1),
      z.array(z.array(z.number().int()).min(1)).min(1).max(2048),
    ]),
    /** `float` (default) or `base64` (little-endian float32, what the openai SDK asks for). */
    encoding_format: z.enum(['float', 'base64']).nullish(),
    /** Truncate vectors to this many dimensions, where the model supports it. */
    dimensions: z.number().int().min(1).nullish(),
    /** End-user identifier. */
    user: z.string().nullish(),
    /** Provider-specific fields, merged into that provider's native request only. */
    provider_options: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
    /** Free-form tags recorded with the request. */
    metadata: z.record(z.string(), z.unknown()).nullish(),
    /** Per-request cache controls (gateway field, never forwarded), as for chat. */
    cache: cacheControlsSchema.nullish(),
  })
  .loose();

export const embeddingSchema = z.object({
  object: z.literal('embedding'),
  /** Position of the input this vector belongs to. */
  index: z.number().int().nonnegative(),
  /** The vector. */
  embedding: z.array(z.number()),
});

export const embeddingResponseSchema = z.object({
  object: z.literal('list'),
  /** One vector per input, in input order. */
  data: z.array(embeddingSchema),
  /** The model that embedded, as the provider named it. */
  model: z.string(),
  usage: z.object({
    prompt_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
  }),
});

export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;
export type Embedding = z.infer<typeof embeddingSchema>;
export type EmbeddingResponse = z.infer<typeof embeddingResponseSchema>;

/** The inputs of an embedding request as a list, one entry per vector to return. */
export function embeddingInputs(input: EmbeddingRequest['input']): Array<string | number[]> {
  if (typeof input === 'string') return [input];
  if (input.length > 0 && typeof input[0] === 'number') return [input as number[]];
  return input as Array<string | number[]>;
}
