import type { CallOptions } from '../../core/adapter.js';
import type {
  ChatRequest,
  FunctionTool,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
} from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import { mergeProviderOptions, unsupportedParameter } from '../../core/provider-options.js';
import type {
  BedrockConverseRequest,
  BedrockInferenceConfig,
  BedrockToolChoice,
  BedrockToolSpec,
} from './bedrock-api.js';
import { BEDROCK_PROVIDER } from './bedrock-endpoint.js';
import { convertToBedrockMessages } from './convert-to-bedrock-messages.js';

/**
 * The canonical request → a Converse body
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
 * Every canonical parameter is either mapped or refused through `unsupportedParameter` (a 400, or
 * dropped with a warning under drop_params); `provider_options.bedrock` is deep-merged last, so
 * `additionalModelRequestFields`, `guardrailConfig`, `performanceConfig`, `requestMetadata`...
 * reach the upstream as given.
 */

type ConvertOptions = Pick<CallOptions, 'dropParams' | 'warnings' | 'providerOptions'>;

/** Fields the conversion reads; anything else on the request is a parameter Bedrock lacks. */
const MAPPED_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  // `user` is honoured by the gateway itself (recorded on the spend row); a provider without an
  // end-user field needs nothing more, so it is neither sent nor refused.
  'user',
]);

/** A field's value that asks for nothing (OpenAI's defaults) and so needs no refusal. */
function isDefault(field: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (field === 'n') return value === 1;
  if (field === 'logprobs') return value === false;
  return false;
}

function refuseUnmapped(request: ChatRequest, options: ConvertOptions): void {
  for (const [field, value] of Object.entries(request)) {
    if (MAPPED_FIELDS.has(field) || isDefault(field, value)) continue;
    unsupportedParameter(options, { provider: BEDROCK_PROVIDER, param: field });
  }
  if (request.parallel_tool_calls === false) {
    unsupportedParameter(options, {
      provider: BEDROCK_PROVIDER,
      param: 'parallel_tool_calls',
      reason: 'Converse cannot turn parallel tool calls off',
    });
  }
}

function convertTool(tool: FunctionTool): BedrockToolSpec {
  const fn = tool.function;
  return {
    toolSpec: {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      inputSchema: { json: fn.parameters ?? { type: 'object', properties: {} } },
      ...(fn.strict === true ? { strict: true } : {}),
    },
  };
}

function convertToolChoice(choice: ToolChoice): BedrockToolChoice | undefined {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (choice === 'none') return undefined;
  return { tool: { name: choice.function.name } };
}

function toolConfig(
  request: ChatRequest,
  context: { hasToolBlocks: boolean; options: ConvertOptions },
): BedrockConverseRequest['toolConfig'] {
  const tools = request.tools ?? [];
  if (tools.length === 0) return undefined;
  if (request.tool_choice === 'none') {
    // Converse has no "none" choice (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html).
    // Leaving the tools out honours it exactly, unless the conversation already holds toolUse or
    // toolResult blocks: Converse then requires toolConfig, and "none" can only be asked for.
    if (!context.hasToolBlocks) return undefined;
    context.options.warnings.warn(
      'tool_choice "none" cannot be enforced by bedrock when the conversation has tool calls; tools were sent with no tool choice',
    );
    return { tools: tools.map(convertTool) };
  }
  const choice =
    request.tool_choice === undefined || request.tool_choice === null
      ? undefined
      : convertToolChoice(request.tool_choice);
  return { tools: tools.map(convertTool), ...(choice === undefined ? {} : { toolChoice: choice }) };
}

/**
 * Structured output through Converse's `outputConfig.textFormat` (its schema travels as a JSON
 * string), https://docs.aws.amazon.com/bedrock/latest/userguide/structured-output.html. Converse
 * has no schema-less JSON mode, so `json_object` is refused.
 */
function outputConfig(
  format: ResponseFormat | null | undefined,
  options: ConvertOptions,
): Record<string, unknown> | undefined {
  if (format === undefined || format === null || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    unsupportedParameter(options, {
      provider: BEDROCK_PROVIDER,
      param: 'response_format',
      reason: 'Converse only enforces JSON with a schema; use response_format json_schema',
    });
    return undefined;
  }
  const { name, description, schema } = format.json_schema;
  return {
    textFormat: {
      type: 'json_schema',
      structure: {
        jsonSchema: {
          schema: JSON.stringify(schema ?? { type: 'object' }),
          name,
          ...(description ? { description } : {}),
        },
      },
    },
  };
}

/** Thinking budgets per effort (LiteLLM's values; Anthropic's minimum budget is 1024). */
const THINKING_BUDGETS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
};

/** Room left for the answer when max_tokens is not given and thinking takes its budget. */
const ANSWER_TOKENS = 4096;

function isClaude(modelId: string): boolean {
  return /anthropic\.claude|claude-/.test(modelId);
}

/**
 * `reasoning_effort` → Claude's extended thinking through `additionalModelRequestFields`
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html).
 * Thinking needs `maxTokens` above the budget: when the client gave none, the budget plus room
 * for the answer is asked for. Other model families take reasoning settings of their own, which
 * `provider_options.bedrock.additionalModelRequestFields` passes through.
 */
function reasoning(
  request: ChatRequest,
  context: { modelId: string; inference: BedrockInferenceConfig; options: ConvertOptions },
): Record<string, unknown> | undefined {
  const effort = request.reasoning_effort;
  if (effort === undefined || effort === null || effort === 'none') return undefined;
  if (!isClaude(context.modelId)) {
    unsupportedParameter(context.options, {
      provider: BEDROCK_PROVIDER,
      param: 'reasoning_effort',
      reason: `it maps to Claude thinking only; for ${context.modelId} set provider_options.bedrock.additionalModelRequestFields`,
    });
    return undefined;
  }
  const budget = THINKING_BUDGETS[effort];
  const maxTokens = context.inference.maxTokens;
  if (maxTokens === undefined) context.inference.maxTokens = budget + ANSWER_TOKENS;
  else if (maxTokens <= budget) {
    throw new GatewayError(
      'invalid_request',
      `max_tokens (${maxTokens}) must be greater than the thinking budget of reasoning_effort "${effort}" (${budget} tokens) on bedrock`,
      { param: 'max_tokens', provider: BEDROCK_PROVIDER },
    );
  }
  return { thinking: { type: 'enabled', budget_tokens: budget } };
}

function inferenceConfig(request: ChatRequest): BedrockInferenceConfig {
  const config: BedrockInferenceConfig = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) config.maxTokens = maxTokens;
  if (request.temperature !== undefined && request.temperature !== null) {
    config.temperature = request.temperature;
  }
  if (request.top_p !== undefined && request.top_p !== null) config.topP = request.top_p;
  const stop = request.stop;
  if (typeof stop === 'string') config.stopSequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) config.stopSequences = [...stop];
  return config;
}

/** Builds the Converse body for a deployment's model id. */
export function convertToBedrockRequest(
  request: ChatRequest,
  context: { modelId: string; options: ConvertOptions },
): BedrockConverseRequest {
  const { options } = context;
  refuseUnmapped(request, options);
  const converted = convertToBedrockMessages(request.messages, options);
  const inference = inferenceConfig(request);
  const thinking = reasoning(request, { modelId: context.modelId, inference, options });
  const tools = toolConfig(request, { hasToolBlocks: converted.hasToolBlocks, options });
  const output = outputConfig(request.response_format, options);
  const body: BedrockConverseRequest = {
    messages: converted.messages,
    ...(converted.system.length > 0 ? { system: converted.system } : {}),
    ...(Object.keys(inference).length > 0 ? { inferenceConfig: inference } : {}),
    ...(tools === undefined ? {} : { toolConfig: tools }),
    ...(output === undefined ? {} : { outputConfig: output }),
    ...(thinking === undefined ? {} : { additionalModelRequestFields: thinking }),
  };
  return mergeProviderOptions(body, options.providerOptions);
}
