import type { CallOptions } from '../../core/adapter.js';
import { GATEWAY_FIELDS, type ChatRequest } from '../../core/chat-request.js';
import { mergeProviderOptions, unsupportedParameter } from '../../core/provider-options.js';
import type {
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiSchema,
} from './gemini-api.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiSchema } from './convert-to-gemini-schema.js';
import { convertToGeminiTools } from './convert-to-gemini-tools.js';
import { mapGeminiReasoningEffort } from './map-gemini-reasoning-effort.js';

/**
 * The canonical request → a `generateContent` body (https://ai.google.dev/api/generate-content),
 * the same for `streamGenerateContent` and for Vertex AI. Parameters Gemini has no equivalent
 * for are refused (or dropped with a warning under `drop_params`, SPEC §3); the request's
 * `provider_options.<provider>` is deep-merged last (`safetySettings`, `cachedContent`,
 * `generationConfig.topK`, a `googleSearch` tool...).
 */

export interface GeminiRequestInit {
  /** Provider name for errors, warnings and `provider_metadata`. */
  readonly provider: string;
  /** The provider model id (thinking settings and signatures depend on the generation). */
  readonly model: string;
  readonly options: Pick<CallOptions, 'dropParams' | 'warnings' | 'providerOptions'>;
}

/** Canonical fields this converter maps (or that only steer the gateway). */
const HANDLED: ReadonlySet<string> = new Set([
  // `user` is honoured by the gateway itself (recorded on the spend row); a provider without an
  // end-user field needs nothing more, so it is neither sent nor refused.
  'user',
  ...GATEWAY_FIELDS,
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
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'tools',
  'tool_choice',
  'response_format',
  'reasoning_effort',
]);

/** Values that ask for nothing beyond the default, so need no support. */
function isDefault(key: string, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (key === 'parallel_tool_calls') return value === true;
  if (key === 'logprobs') return value === false;
  return false;
}

const REASONS: Readonly<Record<string, string>> = {
  parallel_tool_calls: 'Gemini cannot be kept from calling several functions at once',
  logit_bias: 'Gemini has no token biasing',
};

/** Every request field the converter does not map is refused or dropped (never ignored). */
function checkUnsupported(request: ChatRequest, init: GeminiRequestInit): void {
  for (const [key, value] of Object.entries(request)) {
    if (HANDLED.has(key) || isDefault(key, value)) continue;
    const reason = REASONS[key];
    unsupportedParameter(init.options, {
      provider: init.provider,
      param: key,
      ...(reason === undefined ? {} : { reason }),
    });
  }
}

function responseSchema(request: ChatRequest, init: GeminiRequestInit): GeminiSchema | undefined {
  const format = request.response_format;
  if (format?.type !== 'json_schema') return undefined;
  const schema = format.json_schema.schema;
  if (schema === null || schema === undefined) return undefined;
  const param = 'response_format.json_schema.schema';
  const converted = convertToGeminiSchema(schema, {
    provider: init.provider,
    param,
    orderProperties: true,
  });
  if (converted.dropped.length > 0) {
    init.options.warnings.warn(
      `${init.provider} cannot express ${converted.dropped.join(', ')} in ${param}; dropped`,
    );
  }
  return converted.schema;
}

function generationConfig(
  request: ChatRequest,
  init: GeminiRequestInit,
): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.stop != null) {
    config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  }
  if (request.n != null && request.n !== 1) config.candidateCount = request.n;
  if (request.seed != null) config.seed = request.seed;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  const format = request.response_format?.type;
  // https://ai.google.dev/gemini-api/docs/structured-output
  if (format === 'json_object' || format === 'json_schema') {
    config.responseMimeType = 'application/json';
  }
  const schema = responseSchema(request, init);
  if (schema !== undefined) config.responseSchema = schema;
  if (request.reasoning_effort != null) {
    config.thinkingConfig = mapGeminiReasoningEffort(request.reasoning_effort, init.model);
  }
  return Object.keys(config).length === 0 ? undefined : config;
}

/** Gemini 3 and later validate the thought signatures of function calls. */
function requiresSignatures(model: string): boolean {
  const major = /gemini-(\d+)/.exec(model)?.[1];
  return major !== undefined && Number(major) >= 3;
}

export function convertToGeminiRequest(
  request: ChatRequest,
  init: GeminiRequestInit,
): Record<string, unknown> {
  checkUnsupported(request, init);
  const { contents, systemInstruction } = convertToGeminiContents(request.messages, {
    provider: init.provider,
    requiresSignatures: requiresSignatures(init.model),
  });
  const { tools, toolConfig } = convertToGeminiTools(request, {
    provider: init.provider,
    options: init.options,
  });
  const config = generationConfig(request, init);
  const body: GeminiGenerateContentRequest = { contents };
  if (systemInstruction !== undefined) body.systemInstruction = systemInstruction;
  if (tools !== undefined) body.tools = tools;
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  if (config !== undefined) body.generationConfig = config;
  return mergeProviderOptions({ ...body }, init.options.providerOptions);
}
