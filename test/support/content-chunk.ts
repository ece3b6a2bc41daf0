import type { ChatChunk } from '../../src/core/chat-chunk.js';

/** A minimal canonical chunk carrying one content delta, for tests of the stream plumbing. */
export function contentChunk(content: string): ChatChunk {
  return {
    id: 'x',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
}
