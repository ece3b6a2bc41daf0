import type { ChatRequest } from './chat-request.js';
import type { EmbeddingRequest } from './embeddings.js';

/**
 * Cheap upper bounds of a request's size, for budget reservations and token rate limits, with no
 * tokenization on the hot path: a UTF-8 byte count is an upper bound of the token count for
 * byte-level BPE tokenizers (every token covers at least one byte).
 */

/**
 * Bytes allowed for one image, audio or file part instead of its (base64) payload, whose size says
 * nothing about its token cost. Providers bill images by size tiers well below this
 * (e.g. OpenAI's high-detail 2048px image is 1,105 tokens); audio is billed by duration.
 */
export const MEDIA_PART_BYTES = 8_192;

function textBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Prompt bytes of a chat request: message texts, tool calls, tool definitions, media allowances. */
export function chatPromptBytes(request: ChatRequest): number {
  let bytes = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') bytes += textBytes(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === 'text') bytes += textBytes(part.text);
        else if (part.type === 'refusal') bytes += textBytes(part.refusal);
        else bytes += MEDIA_PART_BYTES;
      }
    }
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        bytes += textBytes(call.function.name) + textBytes(call.function.arguments);
      }
      if (message.reasoning_content) bytes += textBytes(message.reasoning_content);
    }
    // Role and framing tokens: a few per message.
    bytes += 8;
  }
  if (request.tools && request.tools.length > 0) bytes += textBytes(JSON.stringify(request.tools));
  if (request.response_format?.type === 'json_schema') {
    bytes += textBytes(JSON.stringify(request.response_format.json_schema.schema ?? {}));
  }
  return bytes;
}

/** The output cap a request sets (all choices), or undefined when it sets none. */
export function chatMaxOutputTokens(request: ChatRequest): number | undefined {
  const cap = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  return cap === undefined ? undefined : cap * (request.n ?? 1);
}

/** Prompt bytes of an embeddings request (token-id inputs count 4 bytes per id). */
export function embeddingPromptBytes(request: EmbeddingRequest): number {
  const input = request.input;
  if (typeof input === 'string') return textBytes(input);
  let bytes = 0;
  for (const item of input) {
    if (typeof item === 'string') bytes += textBytes(item);
    else if (typeof item === 'number') bytes += 4;
    else bytes += item.length * 4;
  }
  return bytes;
}
