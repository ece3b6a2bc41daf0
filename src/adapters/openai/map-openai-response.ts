import { randomUUID } from 'node:crypto';
import type { ChatChoice, ChatResponse, ResponseMessage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { checkOpenAIResponse } from './check-openai-response.js';
import {
  openAIChatResponseSchema,
  type OpenAIChatResponse,
  type OpenAIChoice,
} from './openai-api.js';

/**
 * A Chat Completions response body → the canonical response. The canonical response is the
 * OpenAI shape, so fields we do not read (`service_tier`, `annotations`, Azure's
 * `prompt_filter_results` and `content_filter_results`...) are kept where the upstream put them;
 * what compatible servers leave out (`id`, `created`, `object`, `type` of a tool call) is filled.
 */

export interface ResponseContext {
  readonly target: UpstreamTarget;
  /** Reported as `model` when the upstream leaves it out. */
  readonly model: string;
}

function invalidResponse(reason: string, text: string, context: ResponseContext): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${context.target.provider} returned an invalid chat completion: ${reason}`,
    {
      provider: context.target.provider,
      upstreamBody: redactUpstreamBody(text, context.target.secrets),
    },
  );
}

function mapMessage(
  message: OpenAIChoice['message'],
  raw: { provider: string; finishReason: string | undefined },
): ResponseMessage {
  const { tool_calls: toolCalls, ...rest } = message;
  const mapped: ResponseMessage = { ...rest, role: 'assistant', content: message.content ?? null };
  if (toolCalls !== undefined) {
    mapped.tool_calls = toolCalls?.map((call) => ({ ...call, type: 'function' as const })) ?? null;
  }
  // provider_metadata is keyed by provider: `{ openai: { finish_reason } }`.
  if (raw.finishReason !== undefined) {
    mapped.provider_metadata = { [raw.provider]: { finish_reason: raw.finishReason } };
  }
  return mapped;
}

function mapChoice(
  choice: OpenAIChoice,
  context: { position: number; provider: string },
): ChatChoice {
  const finish = mapOpenAIFinishReason(choice.finish_reason);
  return {
    ...choice,
    index: choice.index ?? context.position,
    finish_reason: finish.reason,
    message: mapMessage(choice.message, { provider: context.provider, finishReason: finish.raw }),
  };
}

/** The zod parse, for a body the hand check did not accept: it names what is wrong. */
function parseWithSchema(
  text: string,
  value: unknown,
  context: ResponseContext,
): OpenAIChatResponse {
  const parsed = openAIChatResponseSchema.safeParse(value);
  if (!parsed.success) throw invalidResponse(formatZodIssues(parsed.error.issues), text, context);
  return parsed.data;
}

/** Parses the body of a 2xx answer; invalid JSON or shape is `upstream_invalid_response`. */
export function parseOpenAIResponse(text: string, context: ResponseContext): ChatResponse {
  const json = parseJson(text);
  if (!json.ok) throw invalidResponse(`invalid JSON (${json.message})`, text, context);
  const { usage, ...wire } =
    checkOpenAIResponse(json.value) ?? parseWithSchema(text, json.value, context);
  return {
    ...wire,
    id: wire.id || `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: wire.created || Math.floor(Date.now() / 1000),
    model: wire.model || context.model,
    choices: wire.choices.map((choice, position) =>
      mapChoice(choice, { position, provider: context.target.provider }),
    ),
    ...(usage == null ? {} : { usage: mapOpenAIUsage(usage) }),
  };
}
