import type { CallOptions } from '../../core/adapter.js';
import { GATEWAY_FIELDS, type ChatRequest } from '../../core/chat-request.js';
import { mergeProviderOptions, unsupportedParameter } from '../../core/provider-options.js';
import type { AnthropicRequestBody } from './anthropic-api.js';
import type { ClaudeModelTraits } from './anthropic-models.js';
import { convertAnthropicThinking } from './convert-anthropic-thinking.js';
import { convertAnthropicTools } from './convert-anthropic-tools.js';
import { ANTHROPIC, convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

/**
 * The canonical request → an Anthropic Messages body (https://docs.anthropic.com/en/api/messages):
 * - `max_tokens` (required by Anthropic) from `max_completion_tokens` or `max_tokens`, else the
 *   model's default (anthropic-models.ts);
 * - `stop` → `stop_sequences`, `temperature` (Anthropic takes 0 to 1), `top_p`, `user` →
 *   `metadata.user_id`; `top_k` and every other native field through `provider_options`;
 * - `provider_options.anthropic.betas` (a list) becomes the `anthropic-beta` header instead of a
 *   body field, as in Anthropic's SDKs;
 * - parameters Anthropic has no equivalent for (`n` > 1, `logit_bias`, `logprobs`,
 *   `top_logprobs`, `presence_penalty`, `frequency_penalty`, `seed`, and any field the canonical
 *   schema does not know) are refused, or dropped with a warning under drop_params (SPEC §3).
 */

export interface AnthropicCallPlan {
  /** The body to send, provider options merged in. */
  readonly body: Record<string, unknown>;
  /** Values of the `anthropic-beta` header. */
  readonly betas: readonly string[];
  /** The forced tool whose call carries the answer, when structured output is emulated. */
  readonly jsonToolName: string | undefined;
}

export interface AnthropicRequestContext {
  readonly model: string;
  readonly traits: ClaudeModelTraits;
  readonly options: CallOptions;
  readonly stream: boolean;
}

/** Canonical fields this adapter translates; anything else is not honoured. */
const TRANSLATED: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'n',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'user',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  ...GATEWAY_FIELDS,
]);

/** Canonical parameters with no Anthropic equivalent, and the value that means "unused". */
const NO_EQUIVALENT: ReadonlyArray<readonly [keyof ChatRequest, unknown]> = [
  ['logit_bias', undefined],
  ['logprobs', false],
  ['top_logprobs', undefined],
  ['presence_penalty', 0],
  ['frequency_penalty', 0],
  ['seed', undefined],
];

function refuseUnsupported(request: ChatRequest, options: CallOptions): void {
  const refuse = (param: string, reason?: string): void =>
    unsupportedParameter(options, { provider: ANTHROPIC, param, reason });
  if (request.n != null && request.n > 1) refuse('n', 'Anthropic returns one choice per request');
  for (const [param, unused] of NO_EQUIVALENT) {
    const value = request[param];
    if (value != null && value !== unused) refuse(param);
  }
  const checked = new Set<string>(NO_EQUIVALENT.map(([param]) => param));
  for (const [key, value] of Object.entries(request)) {
    if (!TRANSLATED.has(key) && !checked.has(key) && value != null) refuse(key);
  }
}

function stopSequences(stop: ChatRequest['stop']): string[] | undefined {
  if (stop == null) return undefined;
  return typeof stop === 'string' ? [stop] : [...stop];
}

function temperatureOf(request: ChatRequest, options: CallOptions): number | undefined {
  const temperature = request.temperature ?? undefined;
  if (temperature === undefined || temperature <= 1) return temperature;
  unsupportedParameter(options, {
    provider: ANTHROPIC,
    param: 'temperature',
    reason: `Anthropic accepts 0 to 1, got ${temperature}`,
  });
  return undefined;
}

/** `provider_options.anthropic` without `betas`, and the betas it listed. */
function splitBetas(providerOptions: CallOptions['providerOptions']): {
  options: Record<string, unknown> | undefined;
  betas: string[];
} {
  if (providerOptions === undefined || !('betas' in providerOptions)) {
    return { options: providerOptions, betas: [] };
  }
  const { betas, ...rest } = providerOptions;
  const list = Array.isArray(betas) ? betas.filter((beta) => typeof beta === 'string') : [];
  return { options: rest, betas: list };
}

export function convertToAnthropicRequest(
  request: ChatRequest,
  context: AnthropicRequestContext,
): AnthropicCallPlan {
  const { options, traits } = context;
  refuseUnsupported(request, options);
  const { system, messages } = convertToAnthropicMessages(request.messages, options);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? traits.defaultMaxTokens;
  const tools = convertAnthropicTools(request, {
    model: context.model,
    nativeStructuredOutput: traits.nativeStructuredOutput,
    options,
  });
  const { options: providerOptions, betas } = splitBetas(options.providerOptions);

  // A `thinking` object in provider_options replaces what reasoning_effort would derive.
  let effort = providerOptions?.thinking === undefined ? request.reasoning_effort : undefined;
  if (effort != null && effort !== 'none' && tools.jsonToolName !== undefined) {
    // Forced tool use and thinking exclude each other (extended-thinking docs, "Feature compatibility").
    unsupportedParameter(options, {
      provider: ANTHROPIC,
      param: 'reasoning_effort',
      reason: `${context.model} emulates response_format with a forced tool, which thinking does not allow`,
    });
    effort = undefined;
  }
  const thinking = convertAnthropicThinking(effort, {
    mode: traits.thinkingMode,
    maxTokens,
    options,
  });
  let temperature = temperatureOf(request, options);
  if (thinking.thinking !== undefined && temperature !== undefined && temperature !== 1) {
    unsupportedParameter(options, {
      provider: ANTHROPIC,
      param: 'temperature',
      reason: 'thinking (reasoning_effort) does not allow changing the temperature',
    });
    temperature = undefined;
  }

  const outputConfig =
    thinking.effort === undefined && tools.outputFormat === undefined
      ? undefined
      : {
          ...(thinking.effort === undefined ? {} : { effort: thinking.effort }),
          ...(tools.outputFormat === undefined ? {} : { format: tools.outputFormat }),
        };
  const stop = stopSequences(request.stop);
  const body: AnthropicRequestBody = {
    model: context.model,
    max_tokens: maxTokens,
    ...(system === undefined ? {} : { system }),
    messages,
    ...(stop === undefined ? {} : { stop_sequences: stop }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(request.top_p == null ? {} : { top_p: request.top_p }),
    ...(tools.tools === undefined ? {} : { tools: tools.tools }),
    ...(tools.toolChoice === undefined ? {} : { tool_choice: tools.toolChoice }),
    ...(thinking.thinking === undefined ? {} : { thinking: thinking.thinking }),
    ...(outputConfig === undefined ? {} : { output_config: outputConfig }),
    ...(request.user == null ? {} : { metadata: { user_id: request.user } }),
    ...(context.stream ? { stream: true } : {}),
  };
  return {
    body: mergeProviderOptions(body as unknown as Record<string, unknown>, providerOptions),
    betas,
    jsonToolName: tools.jsonToolName,
  };
}
