import type { ChatMessage } from '../../core/chat-request.js';

/** Word and punctuation pieces: a stand-in tokenizer that gives realistic-looking token counts. */
const TOKEN_PATTERN = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

export function countTokens(text: string): number {
  let count = 0;
  TOKEN_PATTERN.lastIndex = 0;
  while (TOKEN_PATTERN.exec(text) !== null) count += 1;
  return count;
}

export function tokenize(text: string): string[] {
  return text.match(TOKEN_PATTERN) ?? [];
}

/** The text of a message's content, parts joined; non-text parts are ignored. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** Prompt tokens the way chat formats count them: content plus a few tokens of framing per message. */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  let total = 3;
  for (const message of messages) total += 4 + countTokens(messageText(message));
  return total;
}

/** The last user message's text: what `mock/echo` answers. */
export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === 'user') return messageText(message);
  }
  return '';
}

/** Splits text into `parts` stream deltas that concatenate back to it exactly. */
export function splitForStreaming(text: string, parts: number): string[] {
  if (text === '') return [''];
  const pieces = text.match(/\s*\S+/g) ?? [text];
  const trailing = text.slice(pieces.join('').length);
  if (trailing !== '') pieces.push(trailing);
  const size = Math.max(1, Math.ceil(pieces.length / parts));
  const out: string[] = [];
  for (let index = 0; index < pieces.length; index += size) {
    out.push(pieces.slice(index, index + size).join(''));
  }
  return out;
}
