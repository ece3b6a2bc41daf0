import { z } from 'zod';
import type { ChatMessage } from '../../core/chat-request.js';
import type {
  AnthropicContentBlock,
  AnthropicRedactedThinkingBlock,
  AnthropicThinkingBlock,
} from './anthropic-api.js';

/**
 * What the adapter keeps under `provider_metadata.anthropic` of a response message (and of
 * stream deltas), and reads back from an assistant message the client sends in a later turn.
 * Anthropic needs a turn's thinking blocks back, signatures intact, when that turn called tools
 * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks):
 *
 *   { stop_reason: 'tool_use',          // the raw stop reason, always
 *     stop_sequence: '###',             // which stop sequence matched, when one did
 *     signature: 'EqQB...',             // the signature of the thinking in reasoning_content
 *     redacted_thinking: ['EmwK...'],   // data of redacted_thinking blocks
 *     thinking_blocks: [...],           // instead of the two above, when a turn had several
 *                                       // thinking blocks (their texts joined in reasoning_content)
 *     content: [...],                   // blocks with no OpenAI equivalent (server tools...)
 *     reasoning_tokens_estimated: true } // when the API did not split out thinking tokens
 */

export type AnthropicThinkingLike = AnthropicThinkingBlock | AnthropicRedactedThinkingBlock;

const thinkingBlockSchema = z.union([
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
]);

const messageMetadataSchema = z
  .object({
    signature: z.string().nullish(),
    redacted_thinking: z.array(z.string()).nullish(),
    thinking_blocks: z.array(thinkingBlockSchema).nullish(),
  })
  .loose();

/** The thinking metadata of a response with these thinking blocks (in order). */
export function thinkingMetadata(
  blocks: readonly AnthropicThinkingLike[],
): Record<string, unknown> {
  const thinking = blocks.filter((block) => block.type === 'thinking');
  if (thinking.length > 1) return { thinking_blocks: [...blocks] };
  const out: Record<string, unknown> = {};
  const signature = thinking[0]?.signature;
  if (signature !== undefined && signature !== '') out.signature = signature;
  const redacted = blocks.flatMap((block) =>
    block.type === 'redacted_thinking' ? [block.data] : [],
  );
  if (redacted.length > 0) out.redacted_thinking = redacted;
  return out;
}

/**
 * The thinking blocks to send back first in an assistant turn, from the metadata the gateway
 * gave the client. Metadata that does not have the expected shape is ignored: it came back
 * from a client, and without it the request is still valid when thinking is off.
 */
export function readAnthropicMessageMetadata(
  message: Extract<ChatMessage, { role: 'assistant' }>,
): AnthropicContentBlock[] {
  const parsed = messageMetadataSchema.safeParse(message.provider_metadata?.anthropic);
  if (!parsed.success) return [];
  const metadata = parsed.data;
  if (metadata.thinking_blocks != null && metadata.thinking_blocks.length > 0) {
    return metadata.thinking_blocks.map((block) => ({ ...block }));
  }
  const blocks: AnthropicContentBlock[] = [];
  if (metadata.signature != null && metadata.signature !== '') {
    blocks.push({
      type: 'thinking',
      thinking: message.reasoning_content ?? '',
      signature: metadata.signature,
    });
  }
  for (const data of metadata.redacted_thinking ?? []) {
    blocks.push({ type: 'redacted_thinking', data });
  }
  return blocks;
}
