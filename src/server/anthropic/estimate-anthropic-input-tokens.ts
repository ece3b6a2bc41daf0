import type { ChatRequest } from '../../core/chat-request.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';

/**
 * The input tokens of a converted request, estimated: Tollgate's tokenizer (OpenAI's o200k_base,
 * see src/core/estimate-tokens.ts) over the messages' text, tool calls and tool results, plus
 * the tool definitions as JSON. Images, audio and files are not counted. Claude and other models
 * tokenize differently, so this is an estimate, and `/v1/messages/count_tokens` says so.
 */
export async function estimateAnthropicInputTokens(request: ChatRequest): Promise<number> {
  let total = await estimatePromptTokens(request.messages);
  if (request.tools !== undefined && request.tools !== null && request.tools.length > 0) {
    total += await estimateTokens(JSON.stringify(request.tools));
  }
  return total;
}
