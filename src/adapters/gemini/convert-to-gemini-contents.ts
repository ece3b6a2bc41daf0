import type { ChatMessage, UserContentPart } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import type { GeminiContent, GeminiRequestPart } from './gemini-api.js';
import { readGeminiSignatures } from './gemini-message-metadata.js';

/**
 * Canonical messages → Gemini `contents` and `systemInstruction`
 * (https://ai.google.dev/api/generate-content#request-body):
 * - system and developer messages, wherever they are, are lifted into `systemInstruction`;
 * - `assistant` becomes `model`; tool results become `functionResponse` parts of a `user` turn,
 *   named after the call they answer (Gemini matches results to calls by name, not id);
 * - consecutive turns of the same role are merged: Gemini expects them to alternate, and
 *   parallel tool results must travel together in one turn;
 * - images and files: `data:` URLs become `inlineData`, other URLs `fileData`
 *   (https://ai.google.dev/gemini-api/docs/file-input-methods; Vertex AI also reads `gs://`);
 * - thought signatures kept in an assistant message's `provider_metadata` go back on the parts
 *   they came from (see `gemini-message-metadata.ts`).
 */

export interface ContentsInit {
  /** Provider name for errors and for reading `provider_metadata`. */
  readonly provider: string;
  /**
   * Whether unsigned function calls need Gemini 3's documented bypass signature: calls a client
   * wrote itself or brought from another model have none, and Gemini 3 rejects them otherwise
   * (https://ai.google.dev/gemini-api/docs/thought-signatures#faqs).
   */
  readonly requiresSignatures: boolean;
}

export interface ConvertedContents {
  readonly contents: GeminiContent[];
  readonly systemInstruction: { parts: Array<{ text: string }> } | undefined;
}

/** The documented value that tells Gemini 3 to skip validating a function call's signature. */
export const SKIP_SIGNATURE_VALIDATION = 'skip_thought_signature_validator';

/** File extensions → MIME types Gemini accepts for `fileData` (it needs one for URLs). */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  mp4: 'video/mp4',
  txt: 'text/plain',
};

function mimeTypeOf(url: string, fallback: string | undefined): string | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (extension === undefined ? undefined : MIME_BY_EXTENSION[extension]) ?? fallback;
}

function invalid(message: string, param: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

/** `data:<mime>;base64,<data>` → inlineData, or undefined when the URL is not a base64 data URL. */
function inlineDataOf(url: string): GeminiRequestPart | undefined {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { inlineData: { mimeType: match[1] as string, data: match[2] as string } };
}

function urlPart(
  url: string,
  context: { fallbackMime: string | undefined; param: string },
): GeminiRequestPart {
  if (url.startsWith('data:')) {
    const inline = inlineDataOf(url);
    if (inline === undefined) {
      throw invalid('A data: URL must be base64-encoded (data:<mime>;base64,...)', context.param);
    }
    return inline;
  }
  const mimeType = mimeTypeOf(url, context.fallbackMime);
  return { fileData: { ...(mimeType === undefined ? {} : { mimeType }), fileUri: url } };
}

function userPart(part: UserContentPart, param: string): GeminiRequestPart {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url':
      // An image URL without a telling extension is still an image; JPEG is the common case.
      return urlPart(part.image_url.url, { fallbackMime: 'image/jpeg', param });
    case 'input_audio':
      return {
        inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
      };
    case 'file': {
      const source = part.file.file_data ?? part.file.file_id;
      if (source === null || source === undefined || source === '') {
        throw invalid('A file part needs file_data or file_id', param);
      }
      const fallback = part.file.filename ? mimeTypeOf(part.file.filename, undefined) : undefined;
      return urlPart(source, { fallbackMime: fallback, param });
    }
  }
}

function textOf(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

function assistantText(message: AssistantMessage): string {
  const content = message.content;
  if (content === null || content === undefined) return message.refusal ?? '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : part.refusal)).join('');
}

function functionArguments(text: string, param: string): Record<string, unknown> {
  const parsed = parseJson(text === '' ? '{}' : text);
  const value = parsed.ok ? parsed.value : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('Tool call arguments must be a JSON object for Gemini', param);
  }
  return value as Record<string, unknown>;
}

class ContentsBuilder {
  readonly contents: GeminiContent[] = [];
  readonly system: Array<{ text: string }> = [];
  /** tool_call_id → function name, from the assistant turns seen so far. */
  private readonly callNames = new Map<string, string>();
  private readonly init: ContentsInit;

  constructor(init: ContentsInit) {
    this.init = init;
  }

  add(message: ChatMessage, position: number): void {
    const param = `messages[${position}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        this.system.push({ text: textOf(message.content) });
        return;
      case 'user':
        this.push(
          'user',
          typeof message.content === 'string'
            ? [{ text: message.content }]
            : message.content.map((part, index) => userPart(part, `${param}.content[${index}]`)),
        );
        return;
      case 'assistant':
        this.push('model', this.assistantParts(message, param));
        return;
      case 'tool':
        this.push('user', [this.toolResult(message, param)]);
        return;
    }
  }

  private assistantParts(message: AssistantMessage, param: string): GeminiRequestPart[] {
    const signatures = readGeminiSignatures(message.provider_metadata, this.init.provider);
    const parts: GeminiRequestPart[] = [];
    if (signatures.reasoning_signature !== undefined) {
      parts.push({
        text: message.reasoning_content ?? '',
        thought: true,
        thoughtSignature: signatures.reasoning_signature,
      });
    }
    const text = assistantText(message);
    if (text !== '') {
      const signature = signatures.text_signature;
      parts.push(signature === undefined ? { text } : { text, thoughtSignature: signature });
    }
    const calls = message.tool_calls ?? [];
    calls.forEach((call, index) => {
      this.callNames.set(call.id, call.function.name);
      const args = functionArguments(
        call.function.arguments,
        `${param}.tool_calls[${index}].function.arguments`,
      );
      const part: GeminiRequestPart = { functionCall: { name: call.function.name, args } };
      const signature = signatures.tool_call_signatures?.[call.id];
      if (signature !== undefined) part.thoughtSignature = signature;
      parts.push(part);
    });
    // Only the first call of a parallel set carries a signature in Gemini's own answers.
    const firstCall = parts.find((part) => part.functionCall !== undefined);
    const signed = parts.some((part) => part.thoughtSignature !== undefined);
    if (this.init.requiresSignatures && firstCall !== undefined && !signed) {
      firstCall.thoughtSignature = SKIP_SIGNATURE_VALIDATION;
    }
    return parts;
  }

  private toolResult(
    message: Extract<ChatMessage, { role: 'tool' }>,
    param: string,
  ): GeminiRequestPart {
    const name = this.callNames.get(message.tool_call_id);
    if (name === undefined) {
      throw invalid(
        `Tool message answers tool_call_id "${message.tool_call_id}", which no earlier assistant ` +
          `message called; ${this.init.provider} needs the function name of every tool result`,
        `${param}.tool_call_id`,
      );
    }
    // `response` must be an object: "output" holds the result, or the whole object is the output
    // (https://ai.google.dev/api/caching#FunctionResponse).
    const text = textOf(message.content);
    const parsed = parseJson(text);
    const value = parsed.ok ? parsed.value : text;
    const response =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : { output: value };
    return { functionResponse: { name, response } };
  }

  private push(role: GeminiContent['role'], parts: GeminiRequestPart[]): void {
    if (parts.length === 0) return;
    const last = this.contents.at(-1);
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else this.contents.push({ role, parts });
  }
}

export function convertToGeminiContents(
  messages: readonly ChatMessage[],
  init: ContentsInit,
): ConvertedContents {
  const builder = new ContentsBuilder(init);
  messages.forEach((message, position) => builder.add(message, position));
  return {
    contents: builder.contents,
    systemInstruction: builder.system.length === 0 ? undefined : { parts: builder.system },
  };
}
