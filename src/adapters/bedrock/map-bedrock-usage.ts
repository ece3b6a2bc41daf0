import type { Usage } from '../../core/usage.js';
import type { BedrockUsage } from './bedrock-api.js';

/**
 * Converse usage → canonical usage, counted the OpenAI way (SPEC §3). Bedrock's `inputTokens`
 * leaves out prompt-cache reads and writes (its `totalTokens` adds them back, as Anthropic's
 * usage does), so prompt tokens are the sum of the three, with reads as `cached_tokens` and
 * writes as `cache_creation_tokens`. Bedrock reports no separate reasoning count: thinking is
 * inside `outputTokens`, and `reasoningTokens` (an estimate by the caller) is passed in.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 */
export function mapBedrockUsage(usage: BedrockUsage, reasoningTokens?: number): Usage {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const prompt = (usage.inputTokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage.outputTokens ?? 0;
  const mapped: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (cacheRead > 0 || cacheWrite > 0) {
    mapped.prompt_tokens_details = { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite };
  }
  if (reasoningTokens !== undefined && reasoningTokens > 0) {
    mapped.completion_tokens_details = { reasoning_tokens: Math.min(reasoningTokens, completion) };
  }
  return mapped;
}
