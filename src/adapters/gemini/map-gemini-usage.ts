import type { Usage } from '../../core/usage.js';
import type { GeminiUsage } from './gemini-api.js';

/**
 * Gemini's `usageMetadata` (https://ai.google.dev/api/generate-content#UsageMetadata) → usage
 * counted the OpenAI way (SPEC §3):
 * - prompt = `promptTokenCount` (which already includes `cachedContentTokenCount`) +
 *   `toolUsePromptTokenCount` (results of tools Gemini ran itself, billed as input);
 * - completion = `candidatesTokenCount` + `thoughtsTokenCount`: Gemini counts thoughts apart,
 *   OpenAI counts reasoning inside completion tokens;
 * - total = prompt + completion, which is Gemini's `totalTokenCount` too.
 */
export function mapGeminiUsage(usage: GeminiUsage): Usage {
  const prompt = (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  const reasoning = usage.thoughtsTokenCount ?? 0;
  const completion = (usage.candidatesTokenCount ?? 0) + reasoning;
  const audio = usage.promptTokensDetails?.find((entry) => entry.modality === 'AUDIO')?.tokenCount;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: {
      cached_tokens: usage.cachedContentTokenCount ?? 0,
      ...(audio === undefined || audio === null ? {} : { audio_tokens: audio }),
    },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
