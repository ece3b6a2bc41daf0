import type { ChatRequest } from '../core/chat-request.js';

/**
 * The text the semantic cache embeds: every message's role and text, in order. Non-text parts
 * (images, audio, files) are named by their type only, so a prompt differing only in an image
 * is never a match: see `hasNonTextParts`, which keeps such prompts out of the semantic cache.
 */
export function promptText(request: ChatRequest): string {
  const lines: string[] = [];
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') lines.push(`${message.role}: ${content}`);
    else if (Array.isArray(content)) {
      const texts = content.map((part) =>
        'text' in part && typeof part.text === 'string' ? part.text : '',
      );
      lines.push(`${message.role}: ${texts.join(' ')}`);
    }
    if (message.role === 'assistant' && message.tool_calls != null) {
      for (const call of message.tool_calls)
        lines.push(`tool_call: ${call.function.name} ${call.function.arguments}`);
    }
  }
  return lines.join('\n');
}

/** Prompts with images, audio or files are cached exactly only: their text says too little. */
export function hasNonTextParts(request: ChatRequest): boolean {
  return request.messages.some(
    (message) =>
      Array.isArray(message.content) && message.content.some((part) => part.type !== 'text'),
  );
}
