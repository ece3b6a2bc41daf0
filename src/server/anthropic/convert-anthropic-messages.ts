import type { ChatMessage, ToolCall, UserContentPart } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import type {
  AnthropicContentBlock,
  AnthropicMessageParam,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './anthropic-request.js';
import { convertAnthropicDocument, convertAnthropicImage } from './convert-anthropic-content.js';
import { noteCacheControl, type ConversionNotes } from './conversion-notes.js';

/**
 * Anthropic `system` + `messages` → canonical messages:
 * - `system` (string or text blocks) → a leading system message;
 * - a user turn's `tool_result` blocks → one `tool` message each, placed first (OpenAI wants
 *   tool messages right after the assistant turn that called them); the turn's other blocks, and
 *   images or documents a tool returned (tool messages hold text only), → one user message after;
 * - an assistant turn's `tool_use` blocks → `tool_calls` (input JSON-encoded), its `thinking`
 *   blocks → `reasoning_content`, with the blocks themselves (signatures, redacted thinking) in
 *   `provider_metadata.anthropic` for a provider that needs them back.
 */

type TextPart = { type: 'text'; text: string };

function textParts(blocks: readonly AnthropicTextBlock[], notes: ConversionNotes): TextPart[] {
  return blocks.map((block) => {
    noteCacheControl(notes, block);
    return { type: 'text', text: block.text };
  });
}

/** One text part reads best as a plain string (and suits servers that want strings). */
function textContent(parts: readonly TextPart[]): string | TextPart[] {
  if (parts.length === 1) return (parts[0] as TextPart).text;
  return [...parts];
}

function misplaced(block: AnthropicContentBlock, at: { role: string; param: string }): never {
  throw new GatewayError(
    'invalid_request',
    `Invalid request: ${at.param}: a ${block.type} block is not allowed in a ${at.role} message`,
    { param: at.param },
  );
}

function unsupported(
  block: AnthropicContentBlock & { type: 'unsupported' },
  param: string,
  notes: ConversionNotes,
): void {
  notes.unsupported.push({ param, reason: `a content block of type "${block.blockType}"` });
}

function convertSystem(
  content: AnthropicMessageParam['content'] | AnthropicRequest['system'],
  param: string,
  notes: ConversionNotes,
): ChatMessage[] {
  if (content === undefined || content === null || content === '') return [];
  if (typeof content === 'string') return [{ role: 'system', content }];
  const texts: AnthropicTextBlock[] = [];
  content.forEach((block, index) => {
    if (block.type === 'text') texts.push(block);
    else misplaced(block, { role: 'system', param: `${param}[${index}]` });
  });
  if (texts.length === 0) return [];
  return [{ role: 'system', content: textContent(textParts(texts, notes)) }];
}

/** A tool result → a tool message; its images and documents go to `attachments`. */
function convertToolResult(
  at: { block: AnthropicToolResultBlock; param: string },
  attachments: UserContentPart[],
  notes: ConversionNotes,
): ChatMessage {
  const { block, param } = at;
  noteCacheControl(notes, block);
  const content = block.content;
  if (typeof content === 'string' || content === undefined || content === null) {
    return { role: 'tool', tool_call_id: block.tool_use_id, content: content ?? '' };
  }
  const texts: TextPart[] = [];
  content.forEach((inner, index) => {
    const innerParam = `${param}.content[${index}]`;
    if (inner.type === 'unsupported') {
      notes.unsupported.push({
        param: innerParam,
        reason: `a tool result block of type "${inner.blockType}"`,
      });
      return;
    }
    noteCacheControl(notes, inner);
    if (inner.type === 'text') texts.push({ type: 'text', text: inner.text });
    else if (inner.type === 'image') {
      const image = convertAnthropicImage({ block: inner, param: innerParam }, notes);
      if (image !== undefined) attachments.push(image);
    } else
      attachments.push(...convertAnthropicDocument({ block: inner, param: innerParam }, notes));
  });
  return {
    role: 'tool',
    tool_call_id: block.tool_use_id,
    content: texts.length === 0 ? '' : textContent(texts),
  };
}

function convertUser(
  content: AnthropicMessageParam['content'],
  param: string,
  notes: ConversionNotes,
): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const attachments: UserContentPart[] = [];
  const parts: UserContentPart[] = [];
  content.forEach((block, index) => {
    const blockParam = `${param}.content[${index}]`;
    if (block.type !== 'unsupported') noteCacheControl(notes, block);
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image': {
        const image = convertAnthropicImage({ block, param: blockParam }, notes);
        if (image !== undefined) parts.push(image);
        break;
      }
      case 'document':
        parts.push(...convertAnthropicDocument({ block, param: blockParam }, notes));
        break;
      case 'tool_result':
        tools.push(convertToolResult({ block, param: blockParam }, attachments, notes));
        break;
      case 'unsupported':
        unsupported(block, blockParam, notes);
        break;
      default:
        misplaced(block, { role: 'user', param: blockParam });
    }
  });
  const all = [...attachments, ...parts];
  if (all.length === 0) return tools;
  const only = all[0];
  const userContent = all.length === 1 && only?.type === 'text' ? only.text : all;
  return [...tools, { role: 'user', content: userContent }];
}

function convertAssistant(
  content: AnthropicMessageParam['content'],
  param: string,
  notes: ConversionNotes,
): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: TextPart[] = [];
  const toolCalls: ToolCall[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: Array<Record<string, unknown>> = [];
  content.forEach((block, index) => {
    const blockParam = `${param}.content[${index}]`;
    if (block.type !== 'unsupported') noteCacheControl(notes, block);
    switch (block.type) {
      case 'text':
        texts.push({ type: 'text', text: block.text });
        break;
      case 'tool_use':
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input) },
        });
        break;
      case 'thinking':
        reasoning.push(block.thinking);
        thinkingBlocks.push({
          type: 'thinking',
          thinking: block.thinking,
          signature: block.signature,
        });
        break;
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
        break;
      case 'unsupported':
        unsupported(block, blockParam, notes);
        break;
      default:
        misplaced(block, { role: 'assistant', param: blockParam });
    }
  });
  // OpenAI wants content unless the turn calls tools.
  const message: ChatMessage = {
    role: 'assistant',
    content: texts.length > 0 ? textContent(texts) : toolCalls.length > 0 ? null : '',
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('\n');
  if (thinkingBlocks.length > 0) {
    const signed = thinkingBlocks.find((block) => typeof block.signature === 'string');
    message.provider_metadata = {
      anthropic: {
        ...(signed === undefined ? {} : { signature: signed.signature }),
        thinking_blocks: thinkingBlocks,
      },
    };
  }
  return message;
}

/** The whole conversation, system prompt first. */
export function convertAnthropicMessages(
  request: Pick<AnthropicRequest, 'system' | 'messages'>,
  notes: ConversionNotes,
): ChatMessage[] {
  const out: ChatMessage[] = convertSystem(request.system, 'system', notes);
  request.messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    if (message.role === 'user') out.push(...convertUser(message.content, param, notes));
    else if (message.role === 'assistant')
      out.push(convertAssistant(message.content, param, notes));
    else out.push(...convertSystem(message.content, `${param}.content`, notes));
  });
  return out;
}
