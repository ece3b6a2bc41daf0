import type { CallOptions } from '../../core/adapter.js';
import type { ChatMessage, ToolCall, UserContentPart } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { unsupportedParameter } from '../../core/provider-options.js';
import type {
  AnthropicCacheControl,
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicTextBlock,
} from './anthropic-api.js';
import { readAnthropicMessageMetadata } from './anthropic-metadata.js';

/**
 * Canonical messages → Anthropic's `system` and `messages`
 * (https://docs.anthropic.com/en/api/messages):
 * - system and developer messages are lifted to `system` (text blocks, in order);
 * - tool messages become `tool_result` blocks in a user turn;
 * - consecutive turns of the same role are merged into one (the API wants them alternating), and
 *   in a merged user turn the tool results come first, as the API requires;
 * - images: `data:` URLs become base64 sources, http(s) URLs become url sources;
 * - PDFs sent as `file` parts with a `data:application/pdf` URL become document blocks;
 * - an assistant turn sent back with `provider_metadata.anthropic` gets its thinking blocks
 *   (with signatures) and redacted thinking back, first, so thinking with tools keeps working
 *   (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks);
 * - `cache_control` on a content part, or on a message (applied to its last block), is passed
 *   through (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching).
 */

export const ANTHROPIC = 'anthropic';

export interface ConvertedMessages {
  readonly system: AnthropicTextBlock[] | undefined;
  readonly messages: AnthropicMessage[];
}

type ConvertOptions = Pick<CallOptions, 'dropParams' | 'warnings'>;

/** A loose object's `cache_control`, when it is an object. */
export function cacheControlOf(value: object): AnthropicCacheControl | undefined {
  const control = (value as { cache_control?: unknown }).cache_control;
  return typeof control === 'object' && control !== null && !Array.isArray(control)
    ? (control as AnthropicCacheControl)
    : undefined;
}

function withCacheControl<T extends AnthropicContentBlock>(block: T, source: object): T {
  const control = cacheControlOf(source);
  return control === undefined ? block : { ...block, cache_control: control };
}

type TextContent = string | ReadonlyArray<{ readonly type: string; readonly text?: string }>;

function textBlocks(content: TextContent | null | undefined): AnthropicTextBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) =>
    withCacheControl<AnthropicTextBlock>(
      { type: 'text', text: part.text ?? (part as { refusal?: string }).refusal ?? '' },
      part,
    ),
  );
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(url: string, param: string): AnthropicContentBlock {
  const data = DATA_URL.exec(url);
  if (data?.[1] !== undefined && data[2] !== undefined) {
    return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new GatewayError(
    'invalid_request',
    'An image_url must be an http(s) URL or a base64 data: URL',
    { param },
  );
}

interface PartContext {
  readonly param: string;
  readonly options: ConvertOptions;
}

function userPartBlock(
  part: UserContentPart,
  context: PartContext,
): AnthropicContentBlock | undefined {
  switch (part.type) {
    case 'text':
      return withCacheControl<AnthropicTextBlock>({ type: 'text', text: part.text }, part);
    case 'image_url':
      if (part.image_url.detail === 'low' || part.image_url.detail === 'high') {
        context.options.warnings.warn(
          `${context.param}.image_url.detail ignored: Anthropic has no image detail setting`,
        );
      }
      return withCacheControl(imageBlock(part.image_url.url, context.param), part);
    case 'file': {
      const data = DATA_URL.exec(part.file.file_data ?? '');
      if (data?.[1] === 'application/pdf' && data[2] !== undefined) {
        const block: AnthropicContentBlock = {
          type: 'document',
          source: { type: 'base64', media_type: 'application/pdf', data: data[2] },
          ...(part.file.filename == null ? {} : { title: part.file.filename }),
        };
        return withCacheControl(block, part);
      }
      unsupportedParameter(context.options, {
        provider: ANTHROPIC,
        param: `${context.param}.file`,
        reason: 'only PDFs sent as base64 data: URLs are supported',
      });
      return undefined;
    }
    case 'input_audio':
      unsupportedParameter(context.options, {
        provider: ANTHROPIC,
        param: `${context.param}.input_audio`,
        reason: 'Anthropic accepts no audio input',
      });
      return undefined;
  }
}

function userBlocks(
  message: Extract<ChatMessage, { role: 'user' }>,
  context: PartContext,
): AnthropicContentBlock[] {
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content }];
  const blocks: AnthropicContentBlock[] = [];
  message.content.forEach((part, index) => {
    const block = userPartBlock(part, { ...context, param: `${context.param}.content[${index}]` });
    if (block !== undefined) blocks.push(block);
  });
  return blocks;
}

function toolUseBlock(call: ToolCall, param: string): AnthropicContentBlock {
  const text = call.function.arguments.trim();
  const parsed = parseJson(text === '' ? '{}' : text);
  if (!parsed.ok) {
    throw new GatewayError(
      'invalid_request',
      `The arguments of tool call ${call.id} are not valid JSON: ${parsed.message}`,
      { param: `${param}.function.arguments` },
    );
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input: parsed.value };
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: 'assistant' }>,
  param: string,
): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = readAnthropicMessageMetadata(message);
  // The API rejects empty text blocks; a tool-only turn often carries `content: ""`.
  blocks.push(...textBlocks(message.content).filter((block) => block.text !== ''));
  if (message.refusal != null && message.refusal !== '' && blocks.length === 0) {
    blocks.push({ type: 'text', text: message.refusal });
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    blocks.push(toolUseBlock(call, `${param}.tool_calls[${index}]`));
  });
  return blocks;
}

function toolResultBlock(message: Extract<ChatMessage, { role: 'tool' }>): AnthropicContentBlock {
  const content =
    typeof message.content === 'string' ? message.content : textBlocks(message.content);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}

/** Applies a message-level cache_control to the message's last block. */
function markLastBlock(blocks: AnthropicContentBlock[], message: ChatMessage): void {
  const control = cacheControlOf(message);
  const last = blocks.at(-1);
  if (control === undefined || last === undefined) return;
  if (last.type === 'thinking' || last.type === 'redacted_thinking') return;
  blocks[blocks.length - 1] = { ...last, cache_control: control };
}

/** Appends a turn, merging it into the previous one when the role repeats. */
function appendTurn(
  messages: AnthropicMessage[],
  role: AnthropicMessage['role'],
  blocks: AnthropicContentBlock[],
): void {
  const previous = messages.at(-1);
  if (previous?.role !== role) {
    messages.push({ role, content: blocks });
    return;
  }
  previous.content.push(...blocks);
  if (role === 'user') {
    // Tool results must open the user turn that answers the tool calls.
    const results = previous.content.filter((block) => block.type === 'tool_result');
    const rest = previous.content.filter((block) => block.type !== 'tool_result');
    previous.content = [...results, ...rest];
  }
}

export function convertToAnthropicMessages(
  messages: readonly ChatMessage[],
  options: ConvertOptions,
): ConvertedMessages {
  const system: AnthropicTextBlock[] = [];
  const out: AnthropicMessage[] = [];
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const blocks = textBlocks(message.content);
        const control = cacheControlOf(message);
        const last = blocks.at(-1);
        if (control !== undefined && last !== undefined) last.cache_control = control;
        system.push(...blocks);
        return;
      }
      case 'user': {
        const blocks = userBlocks(message, { param, options });
        markLastBlock(blocks, message);
        appendTurn(out, 'user', blocks);
        return;
      }
      case 'assistant': {
        const blocks = assistantBlocks(message, param);
        markLastBlock(blocks, message);
        appendTurn(out, 'assistant', blocks);
        return;
      }
      case 'tool': {
        const blocks = [toolResultBlock(message)];
        markLastBlock(blocks, message);
        appendTurn(out, 'user', blocks);
        return;
      }
    }
  });
  return { system: system.length === 0 ? undefined : system, messages: out };
}
