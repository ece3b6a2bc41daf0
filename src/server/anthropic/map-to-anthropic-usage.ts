import type { Usage } from '../../core/usage.js';
import type { AnthropicUsage } from './anthropic-response.js';

/**
 * Canonical usage → Anthropic's. Canonical counting is OpenAI's (SPEC §3): `prompt_tokens` holds
 * every input token, cache reads (`cached_tokens`) and cache writes (`cache_creation_tokens`)
 * included; Anthropic's `input_tokens` holds only the uncached rest, beside
 * `cache_read_input_tokens` and `cache_creation_input_tokens`. Output tokens include reasoning in
 * both. https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function mapToAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  if (usage === undefined || usage === null) {
    return {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
  }
  const cacheRead = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheCreation = usage.prompt_tokens_details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.prompt_tokens - cacheRead - cacheCreation),
    output_tokens: usage.completion_tokens,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
}
