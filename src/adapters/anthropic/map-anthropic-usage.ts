import { estimateTokens } from '../../core/estimate-tokens.js';
import type { Usage } from '../../core/usage.js';
import type { AnthropicUsage } from './anthropic-api.js';

/**
 * Anthropic usage → canonical usage, counted the OpenAI way (SPEC §3). Anthropic's
 * `input_tokens` excludes cached input (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance):
 * prompt_tokens = input + cache reads + cache writes; reads are `cached_tokens`, writes
 * `cache_creation_tokens`. `output_tokens` already includes thinking: reasoning_tokens comes
 * from `output_tokens_details.thinking_tokens` where the API reports it, else it is estimated
 * from the thinking text (capped at output_tokens) and flagged as estimated.
 */

export interface MappedUsage {
  readonly usage: Usage;
  /** True when reasoning_tokens is an estimate. */
  readonly reasoningEstimated: boolean;
}

export async function mapAnthropicUsage(
  usage: AnthropicUsage | null | undefined,
  thinkingText: string,
): Promise<MappedUsage> {
  const input = usage?.input_tokens ?? 0;
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const output = usage?.output_tokens ?? 0;
  const reported = usage?.output_tokens_details?.thinking_tokens;
  let reasoning = reported ?? 0;
  const reasoningEstimated = reported == null && thinkingText !== '';
  if (reasoningEstimated) reasoning = Math.min(output, await estimateTokens(thinkingText));
  const prompt = input + cacheRead + cacheWrite;
  return {
    usage: {
      prompt_tokens: prompt,
      completion_tokens: output,
      total_tokens: prompt + output,
      prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
      completion_tokens_details: { reasoning_tokens: reasoning },
    },
    reasoningEstimated,
  };
}
