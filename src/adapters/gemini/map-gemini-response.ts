import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../core/chat-request.js';
import type { ChatChoice, ChatResponse, ResponseMessage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import { geminiResponseSchema, type GeminiCandidate, type GeminiResponse } from './gemini-api.js';
import { promptBlockedError } from './gemini-error.js';
import { candidateMetadata, readGeminiParts, ToolCallIds } from './map-gemini-candidate.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

/**
 * A `generateContent` response (https://ai.google.dev/api/generate-content#generatecontentresponse)
 * → the canonical response: one choice per candidate, candidate data (finish reason, safety,
 * citations, grounding, signatures) in the message's `provider_metadata.<provider>`, response
 * data (prompt feedback, raw usage) in the response's. A prompt blocked before any candidate is
 * a `content_policy_violation` error.
 */

export interface GeminiResponseContext {
  readonly target: UpstreamTarget;
  /** Reported as `model` when the upstream names none. */
  readonly model: string;
  /** The request's messages, to estimate usage when the upstream reports none. */
  readonly messages: readonly ChatMessage[];
}

function invalidResponse(reason: string, text: string, target: UpstreamTarget): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${target.provider} returned an invalid generateContent response: ${reason}`,
    { provider: target.provider, upstreamBody: redactUpstreamBody(text, target.secrets) },
  );
}

/** Unix seconds of Vertex AI's `createTime`, or now. */
export function createdAt(createTime: string | null | undefined): number {
  const parsed = createTime ? Date.parse(createTime) : Number.NaN;
  return Math.floor((Number.isNaN(parsed) ? Date.now() : parsed) / 1000);
}

function mapCandidate(
  candidate: GeminiCandidate,
  context: { position: number; provider: string; responseId: string | null | undefined },
): ChatChoice {
  const index = candidate.index ?? context.position;
  const parts = readGeminiParts(
    candidate.content?.parts,
    new ToolCallIds(context.responseId, index),
  );
  const message: ResponseMessage = { role: 'assistant', content: parts.text ?? null };
  if (parts.toolCalls.length > 0) message.tool_calls = parts.toolCalls;
  if (parts.reasoning !== undefined) message.reasoning_content = parts.reasoning;
  const metadata = {
    ...candidateMetadata(candidate),
    ...parts.signatures,
    ...(parts.otherParts.length === 0 ? {} : { other_parts: parts.otherParts }),
  };
  if (Object.keys(metadata).length > 0)
    message.provider_metadata = { [context.provider]: metadata };
  return {
    index,
    message,
    finish_reason: mapGeminiFinishReason(candidate.finishReason, parts.toolCalls.length > 0),
  };
}

/** Usage estimated from the request and the answer, for an upstream that reported none. */
export async function estimateUsage(
  messages: readonly ChatMessage[],
  generated: readonly string[],
): Promise<Usage> {
  const prompt = await estimatePromptTokens(messages);
  const completion = await estimateTokens(generated.join(''));
  return makeUsage(prompt, completion);
}

function generatedText(choices: readonly ChatChoice[]): string[] {
  return choices.flatMap((choice) => [
    choice.message.content ?? '',
    choice.message.reasoning_content ?? '',
    ...(choice.message.tool_calls ?? []).map((call) => call.function.arguments),
  ]);
}

function responseMetadata(response: GeminiResponse): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (response.promptFeedback != null) metadata.prompt_feedback = response.promptFeedback;
  if (response.usageMetadata != null) metadata.usage_metadata = response.usageMetadata;
  return metadata;
}

/** Parses the body of a 2xx answer; invalid JSON or shape is `upstream_invalid_response`. */
export async function parseGeminiResponse(
  text: string,
  context: GeminiResponseContext,
): Promise<ChatResponse> {
  const { target } = context;
  const json = parseJson(text);
  if (!json.ok) throw invalidResponse(`invalid JSON (${json.message})`, text, target);
  const parsed = geminiResponseSchema.safeParse(json.value);
  if (!parsed.success) throw invalidResponse(formatZodIssues(parsed.error.issues), text, target);
  const wire = parsed.data;
  const candidates = wire.candidates ?? [];
  if (candidates.length === 0) {
    if (wire.promptFeedback?.blockReason) {
      throw promptBlockedError(wire.promptFeedback, { raw: text, target });
    }
    throw invalidResponse('no candidates', text, target);
  }
  const choices = candidates
    .map((candidate, position) =>
      mapCandidate(candidate, { position, provider: target.provider, responseId: wire.responseId }),
    )
    .sort((a, b) => a.index - b.index);
  const metadata = responseMetadata(wire);
  let usage: Usage;
  if (wire.usageMetadata == null) {
    usage = await estimateUsage(context.messages, generatedText(choices));
    metadata.usage_estimated = true;
  } else {
    usage = mapGeminiUsage(wire.usageMetadata);
  }
  return {
    id: wire.responseId ?? `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: createdAt(wire.createTime),
    model: wire.modelVersion ?? context.model,
    choices,
    usage,
    ...(Object.keys(metadata).length === 0
      ? {}
      : { provider_metadata: { [target.provider]: metadata } }),
  };
}
