import type { ToolCall } from '../../core/chat-request.js';
import type { ChatResponse, ResponseMessage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { anthropicMetadata, metadataString, type AnthropicMetadata } from './anthropic-metadata.js';
import type {
  AnthropicMessage,
  AnthropicOtherContent,
  AnthropicResponseContent,
  AnthropicToolUseContent,
} from './anthropic-response.js';
import { mapToAnthropicStopReason } from './map-to-anthropic-stop-reason.js';
import { mapToAnthropicUsage } from './map-to-anthropic-usage.js';

/**
 * A canonical response → an Anthropic Message: content blocks in Anthropic's order (thinking,
 * text, tool calls), tool arguments parsed into `input` objects, stop reason and usage mapped.
 * Only the first choice is used: the Messages API has no `n`.
 */

/** Anthropic ids start with `msg_`; another provider's id is kept behind the prefix. */
export function toAnthropicMessageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

/** One block of `provider_metadata.anthropic.thinking_blocks`, checked. */
function thinkingBlock(value: unknown): AnthropicResponseContent[] {
  if (typeof value !== 'object' || value === null) return [];
  const block = value as Record<string, unknown>;
  if (block.type === 'thinking' && typeof block.thinking === 'string') {
    const signature = typeof block.signature === 'string' ? block.signature : '';
    return [{ type: 'thinking', thinking: block.thinking, signature }];
  }
  if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
    return [{ type: 'redacted_thinking', data: block.data }];
  }
  return [];
}

/** The strings of a metadata list (`redacted_thinking`), or none. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

/** Blocks of a metadata list (`content`) that look like content blocks. */
export function otherBlocks(value: unknown): AnthropicOtherContent[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is AnthropicOtherContent =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as Record<string, unknown>).type === 'string',
  );
}

/**
 * Thinking blocks: the anthropic deployment's own blocks when it kept several
 * (`thinking_blocks`), else the reasoning text as one block signed with
 * `provider_metadata.anthropic.signature` (empty for providers that do not sign) followed by
 * any `redacted_thinking`; then the blocks an anthropic deployment returned that have no
 * canonical form (`content`: server tool use and results).
 */
function nativeContent(
  message: ResponseMessage,
  metadata: AnthropicMetadata,
): AnthropicResponseContent[] {
  const out: AnthropicResponseContent[] = [];
  const kept = Array.isArray(metadata.thinking_blocks)
    ? metadata.thinking_blocks.flatMap(thinkingBlock)
    : [];
  if (kept.length > 0) out.push(...kept);
  else {
    const reasoning = message.reasoning_content;
    if (typeof reasoning === 'string' && reasoning !== '') {
      const signature = metadataString(metadata, 'signature') ?? '';
      out.push({ type: 'thinking', thinking: reasoning, signature });
    }
    for (const data of stringList(metadata.redacted_thinking)) {
      out.push({ type: 'redacted_thinking', data });
    }
  }
  out.push(...otherBlocks(metadata.content));
  return out;
}

/** A tool call → a tool_use block; arguments that are not a JSON object cannot be carried. */
export function toAnthropicToolUse(call: ToolCall): AnthropicToolUseContent {
  const text = call.function.arguments.trim();
  if (text === '') return { type: 'tool_use', id: call.id, name: call.function.name, input: {} };
  const parsed = parseJson(text);
  const value = parsed.ok ? parsed.value : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError(
      'upstream_invalid_response',
      `The model called "${call.function.name}" with arguments that are not a JSON object`,
    );
  }
  return {
    type: 'tool_use',
    id: call.id,
    name: call.function.name,
    input: value as Record<string, unknown>,
  };
}

export function convertToAnthropicMessage(response: ChatResponse): AnthropicMessage {
  const choice = response.choices[0];
  const message = choice?.message;
  const metadata = anthropicMetadata(response.provider_metadata, message?.provider_metadata);
  const content: AnthropicResponseContent[] = [];
  let refused = false;
  if (message !== undefined) {
    content.push(...nativeContent(message, metadata));
    if (typeof message.content === 'string' && message.content !== '') {
      content.push({ type: 'text', text: message.content });
    } else if (typeof message.refusal === 'string' && message.refusal !== '') {
      content.push({ type: 'text', text: message.refusal });
      refused = true;
    }
    for (const call of message.tool_calls ?? []) content.push(toAnthropicToolUse(call));
  }
  const stop = mapToAnthropicStopReason(
    refused ? 'content_filter' : (choice?.finish_reason ?? null),
    metadata,
  );
  return {
    id: toAnthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: stop.stop_reason,
    stop_sequence: stop.stop_sequence,
    usage: mapToAnthropicUsage(response.usage),
  };
}
