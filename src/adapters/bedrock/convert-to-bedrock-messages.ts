import type { CallOptions } from '../../core/adapter.js';
import type { ChatMessage, ToolCall, UserContentPart } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { unsupportedParameter } from '../../core/provider-options.js';
import type {
  BedrockContentBlock,
  BedrockDocumentFormat,
  BedrockImageFormat,
  BedrockMessage,
} from './bedrock-api.js';
import { BEDROCK_PROVIDER } from './bedrock-endpoint.js';

/**
 * Canonical messages → Converse `system` blocks and `messages`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html):
 * - system and developer messages become `system` text blocks, in order;
 * - tool results become `toolResult` blocks in a user message;
 * - consecutive messages of one role are merged into one message, as Converse requires
 *   alternating roles (several tool results and the next user text share one user message);
 * - images and documents must be `data:` URLs: Converse takes bytes (or S3 locations) only, and
 *   the gateway does not fetch URLs on a client's behalf;
 * - an assistant turn sent back with `reasoning_content` and the signature the gateway returned
 *   in `provider_metadata.bedrock.signature` gets its reasoning block back first, which Claude
 *   needs to continue thinking across tool calls.
 */

export interface ConvertedMessages {
  readonly system: Array<{ text: string }>;
  readonly messages: BedrockMessage[];
  /** Whether any message carries toolUse/toolResult blocks (Converse then needs toolConfig). */
  readonly hasToolBlocks: boolean;
}

type ParamOptions = Pick<CallOptions, 'dropParams' | 'warnings'>;

const IMAGE_FORMATS: Readonly<Record<string, BedrockImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Readonly<Record<string, BedrockDocumentFormat>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param, provider: BEDROCK_PROVIDER });
}

/** `data:<mime>;base64,<data>` → mime type and base64 payload. */
function parseDataUrl(url: string): { mime: string; data: string } | undefined {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return { mime: match[1].toLowerCase(), data: match[2] };
}

function textOf(content: string | ReadonlyArray<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function imageBlock(url: string, param: string): BedrockContentBlock {
  const parsed = parseDataUrl(url);
  if (parsed === undefined) {
    throw invalid(
      param,
      'bedrock takes images as base64 data: URLs only (Converse accepts bytes, and the gateway does not fetch image URLs); send data:image/png;base64,...',
    );
  }
  const format = IMAGE_FORMATS[parsed.mime];
  if (format === undefined) {
    throw invalid(
      param,
      `bedrock does not accept images of type ${parsed.mime} (png, jpeg, gif, webp)`,
    );
  }
  return { image: { format, source: { bytes: parsed.data } } };
}

/** Document names may only hold letters, digits, spaces, hyphens, parentheses and brackets. */
function documentName(filename: string | null | undefined, position: number): string {
  const base = (filename ?? '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9 ()[\]-]+/g, ' ');
  const trimmed = base.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? `document ${position + 1}` : trimmed;
}

function userBlocks(
  parts: readonly UserContentPart[],
  context: { param: string; options: ParamOptions },
): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = [];
  parts.forEach((part, position) => {
    const param = `${context.param}[${position}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push({ text: part.text });
        return;
      case 'image_url':
        blocks.push(imageBlock(part.image_url.url, param));
        return;
      case 'file': {
        const parsed =
          typeof part.file.file_data === 'string' ? parseDataUrl(part.file.file_data) : undefined;
        const format = parsed === undefined ? undefined : DOCUMENT_FORMATS[parsed.mime];
        if (parsed === undefined || format === undefined) {
          unsupportedParameter(context.options, {
            provider: BEDROCK_PROVIDER,
            param,
            reason: 'files must be base64 data: URLs of pdf, csv, doc(x), xls(x), html, txt or md',
          });
          return;
        }
        const name = documentName(part.file.filename, position);
        blocks.push({ document: { format, name, source: { bytes: parsed.data } } });
        return;
      }
      case 'input_audio':
        unsupportedParameter(context.options, {
          provider: BEDROCK_PROVIDER,
          param,
          reason: 'Converse takes no audio input',
        });
        return;
    }
  });
  return blocks;
}

function toolUseBlock(call: ToolCall, param: string): BedrockContentBlock {
  const parsed =
    call.function.arguments.trim() === ''
      ? { ok: true as const, value: {} }
      : parseJson(call.function.arguments);
  if (
    !parsed.ok ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    throw invalid(param, 'bedrock needs tool call arguments to be a JSON object');
  }
  return { toolUse: { toolUseId: call.id, name: call.function.name, input: parsed.value } };
}

function bedrockMetadata(
  metadata: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const slice = metadata?.[BEDROCK_PROVIDER];
  return typeof slice === 'object' && slice !== null ? (slice as Record<string, unknown>) : {};
}

function reasoningBlocks(
  message: Extract<ChatMessage, { role: 'assistant' }>,
): BedrockContentBlock[] {
  const metadata = bedrockMetadata(message.provider_metadata);
  const blocks: BedrockContentBlock[] = [];
  const signature = metadata.signature;
  const text = message.reasoning_content;
  // Without its signature a reasoning block is rejected, so unsigned reasoning stays out.
  if (typeof text === 'string' && text !== '' && typeof signature === 'string') {
    blocks.push({ reasoningContent: { reasoningText: { text, signature } } });
  }
  const redacted = metadata.redacted_reasoning;
  if (Array.isArray(redacted)) {
    for (const data of redacted) {
      if (typeof data === 'string') blocks.push({ reasoningContent: { redactedContent: data } });
    }
  }
  return blocks;
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: 'assistant' }>,
  param: string,
): BedrockContentBlock[] {
  const blocks = reasoningBlocks(message);
  const content = message.content;
  const text =
    typeof content === 'string'
      ? content
      : (content ?? []).map((part) => (part.type === 'text' ? part.text : part.refusal)).join('');
  // Converse rejects blank text blocks.
  if (text.trim() !== '') blocks.push({ text });
  (message.tool_calls ?? []).forEach((call, position) => {
    blocks.push(toolUseBlock(call, `${param}.tool_calls[${position}]`));
  });
  return blocks;
}

function append(
  messages: BedrockMessage[],
  role: BedrockMessage['role'],
  blocks: BedrockContentBlock[],
): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

export function convertToBedrockMessages(
  messages: readonly ChatMessage[],
  options: ParamOptions,
): ConvertedMessages {
  const system: Array<{ text: string }> = [];
  const out: BedrockMessage[] = [];
  let hasToolBlocks = false;
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content);
        if (text.trim() !== '') system.push({ text });
        return;
      }
      case 'user': {
        const blocks =
          typeof message.content === 'string'
            ? message.content === ''
              ? []
              : [{ text: message.content }]
            : userBlocks(message.content, { param: `${param}.content`, options });
        append(out, 'user', blocks);
        return;
      }
      case 'assistant': {
        const blocks = assistantBlocks(message, param);
        if ((message.tool_calls ?? []).length > 0) hasToolBlocks = true;
        append(out, 'assistant', blocks);
        return;
      }
      case 'tool': {
        hasToolBlocks = true;
        append(out, 'user', [
          {
            toolResult: {
              toolUseId: message.tool_call_id,
              content: [{ text: textOf(message.content) }],
            },
          },
        ]);
        return;
      }
    }
  });
  return { system, messages: out, hasToolBlocks };
}
