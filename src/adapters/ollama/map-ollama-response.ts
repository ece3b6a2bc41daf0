import { randomUUID } from 'node:crypto';
import type { ChatMessage, ToolCall } from '../../core/chat-request.js';
import type { ChatChoice, ChatResponse } from '../../core/chat-response.js';
import type { EmbeddingResponse } from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { estimateTokens } from '../../core/estimate-tokens.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import type { z } from 'zod';
import { mapOllamaFinishReason } from './map-ollama-finish-reason.js';
import { createdSeconds } from './map-ollama-stream.js';
import { mapOllamaUsage } from './map-ollama-usage.js';
import {
  ollamaChatResponseSchema,
  ollamaEmbedResponseSchema,
  type OllamaToolCallWire,
} from './ollama-api.js';

/**
 * Non-streaming `/api/chat` and `/api/embed` answers → canonical responses. Ollama gives no
 * completion id, so one is made; tool calls get ids when Ollama gives none, and their argument
 * objects become the JSON strings OpenAI clients expect; `thinking` is `reasoning_content`.
 */

export interface OllamaResponseContext {
  readonly target: UpstreamTarget;
  readonly model: string;
  readonly messages: readonly ChatMessage[];
}

function invalidResponse(
  reason: string,
  text: string,
  context: { target: UpstreamTarget; what: string },
): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${context.target.provider} returned an invalid ${context.what}: ${reason}`,
    {
      provider: context.target.provider,
      upstreamBody: redactUpstreamBody(text, context.target.secrets),
    },
  );
}

function parse<T>(
  schema: z.ZodType<T>,
  text: string,
  context: { target: UpstreamTarget; what: string },
): T {
  const json = parseJson(text);
  if (!json.ok) throw invalidResponse(`invalid JSON (${json.message})`, text, context);
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) throw invalidResponse(formatZodIssues(parsed.error.issues), text, context);
  return parsed.data;
}

function toolCallOf(call: OllamaToolCallWire): ToolCall {
  const args = call.function.arguments;
  return {
    id: call.id ?? `call_${randomUUID().replace(/-/g, '')}`,
    type: 'function',
    function: {
      name: call.function.name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    },
  };
}

export async function parseOllamaResponse(
  text: string,
  context: OllamaResponseContext,
): Promise<ChatResponse> {
  const wire = parse(ollamaChatResponseSchema, text, {
    target: context.target,
    what: 'chat response',
  });
  const toolCalls = (wire.message.tool_calls ?? []).map(toolCallOf);
  const content = wire.message.content ?? '';
  const thinking = wire.message.thinking ?? '';
  const { usage, estimated } = await mapOllamaUsage({
    counts: {
      promptEvalCount: wire.prompt_eval_count ?? undefined,
      evalCount: wire.eval_count ?? undefined,
    },
    messages: context.messages,
    answer:
      content + toolCalls.map((call) => call.function.name + call.function.arguments).join(''),
    thinking,
  });
  const provider = context.target.provider;
  const timings: Record<string, number> = {};
  for (const field of [
    'total_duration',
    'load_duration',
    'prompt_eval_duration',
    'eval_duration',
  ] as const) {
    const value = wire[field];
    if (typeof value === 'number') timings[field] = value;
  }
  const choice: ChatChoice = {
    index: 0,
    message: {
      role: 'assistant',
      content: content === '' && toolCalls.length > 0 ? null : content,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      ...(thinking === '' ? {} : { reasoning_content: thinking }),
      provider_metadata: { [provider]: { done_reason: wire.done_reason ?? null } },
    },
    finish_reason: mapOllamaFinishReason(wire.done_reason ?? undefined, toolCalls.length > 0),
  };
  if (wire.logprobs != null) choice.logprobs = { content: wire.logprobs };
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: createdSeconds(wire.created_at) ?? Math.floor(Date.now() / 1000),
    model: wire.model || context.model,
    choices: [choice],
    usage,
    provider_metadata: { [provider]: { ...timings, ...estimated } },
  };
}

export async function parseOllamaEmbedResponse(
  text: string,
  context: { target: UpstreamTarget; model: string; inputs: readonly string[] },
): Promise<EmbeddingResponse> {
  const wire = parse(ollamaEmbedResponseSchema, text, {
    target: context.target,
    what: 'embed response',
  });
  if (wire.embeddings.length !== context.inputs.length) {
    throw invalidResponse(
      `${wire.embeddings.length} vectors for ${context.inputs.length} inputs`,
      text,
      {
        target: context.target,
        what: 'embed response',
      },
    );
  }
  const tokens = wire.prompt_eval_count ?? (await estimateTokens(context.inputs.join('\n')));
  return {
    object: 'list',
    data: wire.embeddings.map((embedding, index) => ({
      object: 'embedding' as const,
      index,
      embedding,
    })),
    model: wire.model || context.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
