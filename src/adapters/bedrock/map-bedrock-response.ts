import { randomUUID } from 'node:crypto';
import type { ChatMessage, ToolCall } from '../../core/chat-request.js';
import type { ChatResponse, ResponseMessage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import { bedrockConverseResponseSchema, type BedrockResponseBlock } from './bedrock-api.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';

/**
 * A Converse response → the canonical response. Converse answers have no id, creation time or
 * model name, so those are made up (the model is the deployment's model id). Text blocks join
 * into `content`, toolUse blocks become tool calls (input re-serialised as the arguments
 * string), reasoning blocks become `reasoning_content`, with their signature and any redacted
 * reasoning in `message.provider_metadata.bedrock` so the client can send them back.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseResponse.html
 */

export interface BedrockResponseContext {
  readonly target: UpstreamTarget;
  readonly model: string;
  /** `x-amzn-requestid` of the answer, for support cases. */
  readonly requestId: string | undefined;
  /** The request's messages, to estimate prompt tokens if Bedrock sends no usage. */
  readonly messages: readonly ChatMessage[];
}

function invalidResponse(
  reason: string,
  text: string,
  context: BedrockResponseContext,
): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${context.target.provider} returned an invalid Converse response: ${reason}`,
    {
      provider: context.target.provider,
      upstreamBody: redactUpstreamBody(text, context.target.secrets),
    },
  );
}

interface CollectedBlocks {
  text: string;
  reasoning: string;
  signature: string | undefined;
  redacted: string[];
  toolCalls: ToolCall[];
}

function collect(blocks: readonly BedrockResponseBlock[]): CollectedBlocks {
  const out: CollectedBlocks = {
    text: '',
    reasoning: '',
    signature: undefined,
    redacted: [],
    toolCalls: [],
  };
  for (const block of blocks) {
    if (typeof block.text === 'string') out.text += block.text;
    if (block.toolUse) {
      out.toolCalls.push({
        id: block.toolUse.toolUseId,
        type: 'function',
        function: {
          name: block.toolUse.name,
          arguments: JSON.stringify(block.toolUse.input ?? {}),
        },
      });
    }
    const reasoning = block.reasoningContent;
    if (reasoning?.reasoningText) {
      out.reasoning += reasoning.reasoningText.text ?? '';
      out.signature = reasoning.reasoningText.signature ?? out.signature;
    }
    if (typeof reasoning?.redactedContent === 'string')
      out.redacted.push(reasoning.redactedContent);
  }
  return out;
}

function messageOf(collected: CollectedBlocks, stopReason: string): ResponseMessage {
  const metadata: Record<string, unknown> = { stop_reason: stopReason };
  if (collected.signature !== undefined) metadata.signature = collected.signature;
  if (collected.redacted.length > 0) metadata.redacted_reasoning = collected.redacted;
  return {
    role: 'assistant',
    content: collected.text === '' && collected.toolCalls.length > 0 ? null : collected.text,
    ...(collected.toolCalls.length > 0 ? { tool_calls: collected.toolCalls } : {}),
    ...(collected.reasoning === '' ? {} : { reasoning_content: collected.reasoning }),
    provider_metadata: { bedrock: metadata },
  };
}

/** Usage is always filled: without Bedrock's counts, estimate and say so. */
async function estimatedUsage(
  collected: CollectedBlocks,
  where: { context: BedrockResponseContext; metadata: Record<string, unknown> },
): Promise<Usage> {
  where.metadata.usage_estimated = true;
  const answer = [
    collected.reasoning,
    collected.text,
    ...collected.toolCalls.map((call) => call.function.arguments),
  ];
  return makeUsage(
    await estimatePromptTokens(where.context.messages),
    await estimateTokens(answer.join('')),
  );
}

/** Parses the body of a 2xx Converse answer. */
export async function parseBedrockResponse(
  text: string,
  context: BedrockResponseContext,
): Promise<ChatResponse> {
  const json = parseJson(text);
  if (!json.ok) throw invalidResponse(`invalid JSON (${json.message})`, text, context);
  const parsed = bedrockConverseResponseSchema.safeParse(json.value);
  if (!parsed.success) throw invalidResponse(formatZodIssues(parsed.error.issues), text, context);
  const wire = parsed.data;
  const collected = collect(wire.output.message.content);
  const stopReason = wire.stopReason ?? 'end_turn';
  const reasoningTokens =
    collected.reasoning === '' ? undefined : await estimateTokens(collected.reasoning);
  const metadata: Record<string, unknown> = {};
  if (wire.metrics != null) metadata.metrics = wire.metrics;
  if (wire.trace != null) metadata.trace = wire.trace;
  if (wire.additionalModelResponseFields != null) {
    metadata.additional_model_response_fields = wire.additionalModelResponseFields;
  }
  if (wire.performanceConfig != null) metadata.performance_config = wire.performanceConfig;
  if (wire.serviceTier != null) metadata.service_tier = wire.serviceTier;
  if (context.requestId !== undefined) metadata.request_id = context.requestId;
  if (reasoningTokens !== undefined) metadata.reasoning_tokens_estimated = true;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: context.model,
    choices: [
      {
        index: 0,
        message: messageOf(collected, stopReason),
        finish_reason: mapBedrockStopReason(stopReason),
      },
    ],
    usage:
      wire.usage == null
        ? await estimatedUsage(collected, { context, metadata })
        : mapBedrockUsage(wire.usage, reasoningTokens),
    ...(Object.keys(metadata).length > 0 ? { provider_metadata: { bedrock: metadata } } : {}),
  };
}
