import type { ChatMessage } from '../../core/chat-request.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';
import type { Usage } from '../../core/usage.js';

/**
 * Ollama's counts → canonical usage: `prompt_eval_count` is the prompt, `eval_count` the answer
 * (thinking included). Ollama leaves `prompt_eval_count` out when the whole prompt came from its
 * cache, and has no separate thinking count, so those are estimated and the caller marks them
 * in provider_metadata (`usage_estimated`, `reasoning_tokens_estimated`).
 */

export interface OllamaCounts {
  readonly promptEvalCount: number | undefined;
  readonly evalCount: number | undefined;
}

export interface OllamaUsageInput {
  readonly counts: OllamaCounts;
  readonly messages: readonly ChatMessage[];
  /** The answer's text (content, thinking, tool calls), to estimate a missing eval count. */
  readonly answer: string;
  readonly thinking: string;
}

export interface MappedOllamaUsage {
  readonly usage: Usage;
  /** Flags for provider_metadata. */
  readonly estimated: Readonly<Record<string, true>>;
}

export async function mapOllamaUsage(input: OllamaUsageInput): Promise<MappedOllamaUsage> {
  const estimated: Record<string, true> = {};
  let prompt = input.counts.promptEvalCount;
  if (prompt === undefined) {
    prompt = await estimatePromptTokens(input.messages);
    estimated.usage_estimated = true;
  }
  let completion = input.counts.evalCount;
  if (completion === undefined) {
    completion = await estimateTokens(input.answer);
    estimated.usage_estimated = true;
  }
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (input.thinking !== '') {
    const reasoning = Math.min(await estimateTokens(input.thinking), completion);
    usage.completion_tokens_details = { reasoning_tokens: reasoning };
    estimated.reasoning_tokens_estimated = true;
  }
  return { usage, estimated };
}
