import { z } from 'zod';
import type { RecordedRequest } from '../support/fake-upstream.js';
import type { SentImage, SentToolRoundTrip, SentTurn } from './contract-scenarios.js';

/**
 * Decodes the OpenAI Chat Completions body an upstream received (openai/ and azure/, and any
 * adapter built on the OpenAI wire format) into the facts the contract suite checks.
 */

const partSchema = z
  .object({
    type: z.string(),
    text: z.string().optional(),
    image_url: z.object({ url: z.string() }).optional(),
  })
  .loose();

const messageSchema = z
  .object({
    role: z.string(),
    content: z.union([z.string(), z.array(partSchema)]).nullish(),
    tool_calls: z
      .array(
        z.object({
          id: z.string(),
          function: z.object({ name: z.string(), arguments: z.string() }),
        }),
      )
      .nullish(),
    tool_call_id: z.string().nullish(),
  })
  .loose();

const bodySchema = z
  .object({ messages: z.array(messageSchema), reasoning_effort: z.string().nullish() })
  .loose();

type WireMessage = z.infer<typeof messageSchema>;

function body(request: RecordedRequest): z.infer<typeof bodySchema> {
  return bodySchema.parse(request.body);
}

function textOf(message: WireMessage | undefined): string {
  const content = message?.content;
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}

export function readOpenAISystemPrompt(request: RecordedRequest): string {
  return body(request)
    .messages.filter((message) => message.role === 'system' || message.role === 'developer')
    .map(textOf)
    .join('\n');
}

export function readOpenAITurns(request: RecordedRequest): SentTurn[] {
  return body(request).messages.flatMap((message): SentTurn[] =>
    message.role === 'user' || message.role === 'assistant'
      ? [{ role: message.role, text: textOf(message) }]
      : [],
  );
}

export function readOpenAIImage(request: RecordedRequest): SentImage {
  const user = body(request).messages.find((message) => message.role === 'user');
  const parts = Array.isArray(user?.content) ? user.content : [];
  const url = parts.find((part) => part.type === 'image_url')?.image_url?.url ?? '';
  const match = /^data:([^;,]+);base64,(.*)$/.exec(url);
  return { mediaType: match?.[1], base64: match?.[2] ?? '', text: textOf(user) };
}

export function readOpenAIToolRoundTrip(request: RecordedRequest): SentToolRoundTrip {
  const { messages } = body(request);
  const call = messages.find((message) => message.role === 'assistant')?.tool_calls?.[0];
  const result = messages.find((message) => message.role === 'tool');
  return {
    call: {
      id: call?.id,
      name: call?.function.name ?? '',
      arguments: JSON.parse(call?.function.arguments ?? 'null') as unknown,
    },
    result: {
      callId: result?.tool_call_id ?? undefined,
      content: JSON.parse(textOf(result) || 'null') as unknown,
    },
  };
}

export function readOpenAIReasoningRequested(request: RecordedRequest): boolean {
  const effort = body(request).reasoning_effort;
  return effort != null && effort !== 'none';
}
