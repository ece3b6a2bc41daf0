import type { ChatMessage } from './chat-request.js';

/**
 * Token estimates for providers that omit usage (SPEC: usage is always filled; an estimate is
 * marked `usage_estimated: true` in provider_metadata by the adapter that used it). Uses OpenAI's
 * o200k_base BPE from gpt-tokenizer, loaded on first use only: it costs ~100 ms and ~70 MB, and
 * most requests never need it.
 */

type CountTokens = (text: string) => number;

let loading: Promise<CountTokens> | undefined;

function tokenizer(): Promise<CountTokens> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then((module) => module.countTokens);
  return loading;
}

/** Estimated tokens of a text. */
export async function estimateTokens(text: string): Promise<number> {
  if (text === '') return 0;
  const count = await tokenizer();
  return count(text);
}

function contentText(message: ChatMessage): string {
  const content = message.content;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * Estimated prompt tokens of a conversation: content plus OpenAI's documented framing of about
 * three tokens per message and three to prime the reply. Images, audio and files are not counted.
 */
export async function estimatePromptTokens(messages: readonly ChatMessage[]): Promise<number> {
  const count = await tokenizer();
  let total = 3;
  for (const message of messages) {
    total += 3 + count(contentText(message));
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? [])
        total += count(call.function.name) + count(call.function.arguments);
    }
  }
  return total;
}
