import type { Usage } from '../../core/usage.js';
import type { OpenAIUsage } from './openai-api.js';

/**
 * OpenAI usage is the canonical usage (SPEC §3 counts the OpenAI way). Compatible servers may
 * omit a count or the total; missing counts are 0 and the total is recomputed when absent.
 * Detail objects (`prompt_tokens_details`...) and unknown fields are kept.
 */
export function mapOpenAIUsage(usage: OpenAIUsage): Usage {
  const prompt = usage.prompt_tokens ?? 0;
  const completion = usage.completion_tokens ?? 0;
  return {
    ...usage,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.total_tokens ?? prompt + completion,
  };
}
