import type { ChatMessage, ChatRequest } from '../../core/chat-request.js';
import type { EmbeddingRequest } from '../../core/embeddings.js';
import { omitFields } from './omit-fields.js';

/**
 * Builds the body an OpenAI-compatible upstream receives. The canonical request already is the
 * OpenAI shape, so this is mostly a copy: fields the gateway does not know are forwarded
 * unchanged (SPEC §3), `model` becomes the deployment's provider model, and the request's
 * `provider_options` slice is merged on top (shallowly: a key there replaces the request's).
 */

export interface OpenAIBodyInit {
  /** The deployment's provider model id (`model` on the wire). */
  readonly model: string;
  /** The request's `provider_options` slice for this provider. */
  readonly providerOptions: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Assistant-message fields that exist only in the gateway's canonical shape. OpenAI rejects
 * unknown message fields, and DeepSeek answers 400 when `reasoning_content` is sent back
 * (https://api-docs.deepseek.com/guides/reasoning_model), so they stay here.
 */
const GATEWAY_ONLY_MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  'provider_metadata',
  'reasoning_content',
]);
const STREAM_FIELDS: ReadonlySet<string> = new Set(['stream', 'stream_options']);

function hasGatewayOnlyFields(message: ChatMessage): boolean {
  return (
    message.role === 'assistant' &&
    (message.provider_metadata !== undefined || message.reasoning_content !== undefined)
  );
}

function convertMessages(messages: readonly ChatMessage[]): readonly ChatMessage[] {
  // Long histories are the common case: copy nothing unless a message needs it.
  if (!messages.some(hasGatewayOnlyFields)) return messages;
  return messages.map((message) => {
    if (!hasGatewayOnlyFields(message)) return message;
    return omitFields(message, GATEWAY_ONLY_MESSAGE_FIELDS) as ChatMessage;
  });
}

/** The body of a non-streaming chat call: `stream` and `stream_options` are never sent. */
export function convertToOpenAIRequest(
  request: ChatRequest,
  init: OpenAIBodyInit,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {
    ...request,
    messages: convertMessages(request.messages),
    ...init.providerOptions,
    model: init.model,
  };
  // OpenAI rejects `stream_options` unless `stream` is true.
  return omitFields(merged, STREAM_FIELDS);
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * The body of a streaming chat call. `stream_options.include_usage` is forced on: accounting
 * needs the final usage chunk, and the transport hides it from clients that did not ask.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function convertToOpenAIStreamRequest(
  request: ChatRequest,
  init: OpenAIBodyInit,
): Record<string, unknown> {
  const body = convertToOpenAIRequest(request, init);
  const streamOptions = {
    ...asObject(request.stream_options),
    ...asObject(init.providerOptions?.stream_options),
    include_usage: true,
  };
  return { ...body, stream: true, stream_options: streamOptions };
}

/**
 * The body of an embeddings call. We always ask for base64 (little-endian float32): about a third
 * of the bytes of a JSON float array, and no decimal parsing; `decode-openai-embedding.ts` turns it back
 * into numbers, and the transport re-encodes for clients that asked for base64.
 */
export function convertToOpenAIEmbeddingRequest(
  request: EmbeddingRequest,
  init: OpenAIBodyInit,
): Record<string, unknown> {
  return { ...request, ...init.providerOptions, model: init.model, encoding_format: 'base64' };
}
