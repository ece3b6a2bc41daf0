import { z } from 'zod';
import type { RecordedRequest } from '../support/fake-upstream.js';
import type { SentImage, SentToolRoundTrip, SentTurn } from './contract-scenarios.js';

/**
 * Decodes the Anthropic Messages body an upstream received into the facts the contract suite
 * checks (https://docs.anthropic.com/en/api/messages).
 */

const blockSchema = z
  .object({
    type: z.string(),
    text: z.string().optional(),
    source: z
      .object({ type: z.string(), media_type: z.string().optional(), data: z.string().optional() })
      .optional(),
    id: z.string().optional(),
    name: z.string().optional(),
    input: z.unknown().optional(),
    tool_use_id: z.string().optional(),
    content: z.union([z.string(), z.array(z.object({ text: z.string() }).loose())]).optional(),
  })
  .loose();

const bodySchema = z
  .object({
    system: z.union([z.string(), z.array(blockSchema)]).optional(),
    messages: z.array(
      z.object({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(blockSchema)]),
      }),
    ),
    thinking: z.object({ type: z.string() }).loose().optional(),
  })
  .loose();

type Block = z.infer<typeof blockSchema>;

function body(request: RecordedRequest): z.infer<typeof bodySchema> {
  return bodySchema.parse(request.body);
}

function blocks(content: string | Block[]): Block[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function text(content: string | Block[]): string {
  return blocks(content)
    .map((block) => (block.type === 'text' ? (block.text ?? '') : ''))
    .join('');
}

export function readAnthropicSystemPrompt(request: RecordedRequest): string {
  const { system } = body(request);
  return system === undefined ? '' : text(system);
}

export function readAnthropicTurns(request: RecordedRequest): SentTurn[] {
  return body(request).messages.map((message) => ({
    role: message.role,
    text: text(message.content),
  }));
}

export function readAnthropicImage(request: RecordedRequest): SentImage {
  const user = body(request).messages.find((message) => message.role === 'user');
  const content = user === undefined ? [] : blocks(user.content);
  const image = content.find((block) => block.type === 'image');
  return {
    mediaType: image?.source?.media_type,
    base64: image?.source?.data ?? '',
    text: user === undefined ? '' : text(user.content),
  };
}

export function readAnthropicToolRoundTrip(request: RecordedRequest): SentToolRoundTrip {
  const all = body(request).messages.flatMap((message) => blocks(message.content));
  const call = all.find((block) => block.type === 'tool_use');
  const result = all.find((block) => block.type === 'tool_result');
  const resultText =
    result?.content === undefined
      ? 'null'
      : typeof result.content === 'string'
        ? result.content
        : result.content.map((part) => part.text).join('');
  return {
    call: { id: call?.id, name: call?.name ?? '', arguments: call?.input },
    result: { callId: result?.tool_use_id, content: JSON.parse(resultText) as unknown },
  };
}

export function readAnthropicThinkingRequested(request: RecordedRequest): boolean {
  const type = body(request).thinking?.type;
  return type === 'enabled' || type === 'adaptive';
}
