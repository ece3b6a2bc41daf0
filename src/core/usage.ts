import { z } from 'zod';

/**
 * Token usage, counted the OpenAI way whatever the provider (SPEC §3): `prompt_tokens`
 * includes cached input, `completion_tokens` includes reasoning.
 */
export const usageSchema = z
  .object({
    /** Input tokens, cached ones included. */
    prompt_tokens: z.number().int().nonnegative(),
    /** Output tokens, reasoning included. */
    completion_tokens: z.number().int().nonnegative(),
    /** prompt + completion. */
    total_tokens: z.number().int().nonnegative(),
    prompt_tokens_details: z
      .object({
        /** Input tokens read from the provider's prompt cache. */
        cached_tokens: z.number().int().nonnegative().nullish(),
        /** Input tokens written to the provider's prompt cache (Anthropic-style pricing). */
        cache_creation_tokens: z.number().int().nonnegative().nullish(),
        /** Audio input tokens. */
        audio_tokens: z.number().int().nonnegative().nullish(),
      })
      .loose()
      .nullish(),
    completion_tokens_details: z
      .object({
        /** Tokens spent thinking. */
        reasoning_tokens: z.number().int().nonnegative().nullish(),
        /** Audio output tokens. */
        audio_tokens: z.number().int().nonnegative().nullish(),
        accepted_prediction_tokens: z.number().int().nonnegative().nullish(),
        rejected_prediction_tokens: z.number().int().nonnegative().nullish(),
      })
      .loose()
      .nullish(),
    /** The request's cost in USD, set by the gateway on the final usage chunk of a stream. */
    cost: z.number().nonnegative().nullish(),
  })
  .loose();

export type Usage = z.infer<typeof usageSchema>;

/** Builds a usage object from the three counts, keeping the total consistent. */
export function makeUsage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
