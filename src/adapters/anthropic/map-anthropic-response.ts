import type { ToolCall } from '../../core/chat-request.js';
import type { ChatResponse, ResponseMessage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { anthropicResponseSchema, type AnthropicResponseBlock } from './anthropic-api.js';
import { thinkingMetadata, type AnthropicThinkingLike } from './anthropic-metadata.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

/**
 * A Messages API response → the canonical chat completion: text blocks joined into `content`,
 * thinking into `reasoning_content`, `tool_use` blocks into `tool_calls` (input re-serialised as
 * the JSON arguments string), and everything the OpenAI shape has no place for (raw stop reason,
 * signatures, redacted thinking, server-tool blocks) under `provider_metadata.anthropic`. When
 * structured output was emulated with a forced tool, that call's input is the answer: it
 * becomes the content and the finish reason `stop`.
 */

export interface AnthropicResponseContext {
  readonly target: UpstreamTarget;
  /** Reported as `model` when the upstream leaves it out. */
  readonly model: string;
  readonly jsonToolName: string | undefined;
}

interface Collected {
  text: string;
  thinking: string[];
  thinkingBlocks: AnthropicThinkingLike[];
  toolCalls: ToolCall[];
  jsonAnswer: string | undefined;
  other: AnthropicResponseBlock[];
}

function collect(blocks: readonly AnthropicResponseBlock[], jsonToolName: string | undefined) {
  const out: Collected = {
    text: '',
    thinking: [],
    thinkingBlocks: [],
    toolCalls: [],
    jsonAnswer: undefined,
    other: [],
  };
  for (const block of blocks) {
    if (block.type === 'text' && 'text' in block && typeof block.text === 'string') {
      out.text += block.text;
    } else if (
      block.type === 'thinking' &&
      'thinking' in block &&
      typeof block.thinking === 'string'
    ) {
      out.thinking.push(block.thinking);
      const signature = typeof block.signature === 'string' ? block.signature : '';
      out.thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature });
    } else if (
      block.type === 'redacted_thinking' &&
      'data' in block &&
      typeof block.data === 'string'
    ) {
      out.thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
    } else if (block.type === 'tool_use' && 'id' in block && typeof block.id === 'string') {
      const name = typeof block.name === 'string' ? block.name : '';
      const args = JSON.stringify(block.input ?? {});
      if (name === jsonToolName && out.jsonAnswer === undefined) out.jsonAnswer = args;
      else
        out.toolCalls.push({ id: block.id, type: 'function', function: { name, arguments: args } });
    } else {
      out.other.push(block);
    }
  }
  return out;
}

function invalid(reason: string, text: string, context: AnthropicResponseContext): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${context.target.provider} returned an invalid message: ${reason}`,
    {
      provider: context.target.provider,
      upstreamBody: redactUpstreamBody(text, context.target.secrets),
    },
  );
}

export async function parseAnthropicResponse(
  text: string,
  context: AnthropicResponseContext,
): Promise<ChatResponse> {
  const json = parseJson(text);
  if (!json.ok) throw invalid(json.message, text, context);
  const parsed = anthropicResponseSchema.safeParse(json.value);
  if (!parsed.success) throw invalid(formatZodIssues(parsed.error.issues), text, context);
  const response = parsed.data;
  const found = collect(response.content, context.jsonToolName);
  const reasoning = found.thinking.join('\n\n');
  const { usage, reasoningEstimated } = await mapAnthropicUsage(response.usage, reasoning);

  const metadata: Record<string, unknown> = {
    stop_reason: response.stop_reason ?? null,
    ...(response.stop_sequence == null ? {} : { stop_sequence: response.stop_sequence }),
    ...thinkingMetadata(found.thinkingBlocks),
    ...(found.other.length === 0 ? {} : { content: found.other }),
    ...(reasoningEstimated ? { reasoning_tokens_estimated: true } : {}),
  };
  const content = found.jsonAnswer ?? found.text;
  const message: ResponseMessage = {
    role: 'assistant',
    content: content === '' && found.toolCalls.length > 0 ? null : content,
    refusal: null,
    ...(found.toolCalls.length === 0 ? {} : { tool_calls: found.toolCalls }),
    ...(found.thinking.length === 0 ? {} : { reasoning_content: reasoning }),
    provider_metadata: { anthropic: metadata },
  };
  return {
    id: response.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.model ?? context.model,
    choices: [
      {
        index: 0,
        message,
        finish_reason: mapAnthropicStopReason(
          response.stop_reason,
          found.jsonAnswer !== undefined && found.toolCalls.length === 0,
        ),
        logprobs: null,
      },
    ],
    usage,
    provider_metadata: { anthropic: { usage: response.usage ?? null } },
  };
}
