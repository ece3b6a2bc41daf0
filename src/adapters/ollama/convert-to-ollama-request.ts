import type { CallOptions } from '../../core/adapter.js';
import type {
  ChatMessage,
  ChatRequest,
  ReasoningEffort,
  UserContentPart,
} from '../../core/chat-request.js';
import type { EmbeddingRequest } from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { mergeProviderOptions, unsupportedParameter } from '../../core/provider-options.js';
import type { OllamaChatRequest, OllamaMessage, OllamaToolCall } from './ollama-api.js';

/**
 * The canonical request → an `/api/chat` body
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion):
 * - sampling settings go to `options` (temperature, top_p, seed, stop, penalties, and
 *   `num_predict` from max_tokens); `provider_options.<prefix>` is deep-merged last, so
 *   `options.num_ctx`, `keep_alive` or `think` can be set per request;
 * - images are base64 in the message's `images` (Ollama takes no URLs);
 * - tool calls carry their arguments as objects, tool results name their tool (`tool_name`);
 * - `response_format` becomes `format` ("json", or the JSON schema);
 * - `reasoning_effort` becomes `think`: a level for gpt-oss, which only takes levels, and a
 *   boolean for other thinking models, which only take booleans
 *   (https://docs.ollama.com/capabilities/thinking);
 * - `stream` is always sent, because Ollama streams unless told not to.
 */

type ConvertOptions = Pick<CallOptions, 'dropParams' | 'warnings' | 'providerOptions'>;

interface ConvertContext {
  /** The provider prefix, for errors. */
  readonly provider: string;
  readonly model: string;
  readonly stream: boolean;
  readonly options: ConvertOptions;
}

const MAPPED_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'stop',
  'seed',
  'max_tokens',
  'max_completion_tokens',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  // `user` is honoured by the gateway itself (recorded on the spend row); a provider without an
  // end-user field needs nothing more, so it is neither sent nor refused.
  'user',
]);

function refuseUnmapped(request: ChatRequest, context: ConvertContext): void {
  for (const [field, value] of Object.entries(request)) {
    if (MAPPED_FIELDS.has(field) || value === undefined || value === null) continue;
    if (field === 'n' && value === 1) continue;
    unsupportedParameter(context.options, { provider: context.provider, param: field });
  }
  const choice = request.tool_choice;
  if (choice === 'required' || (typeof choice === 'object' && choice !== null)) {
    unsupportedParameter(context.options, {
      provider: context.provider,
      param: 'tool_choice',
      reason: 'Ollama cannot force a tool call',
    });
  }
  if (request.parallel_tool_calls === false) {
    unsupportedParameter(context.options, {
      provider: context.provider,
      param: 'parallel_tool_calls',
      reason: 'Ollama cannot turn parallel tool calls off',
    });
  }
}

function textOf(content: string | ReadonlyArray<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

function base64Image(url: string, context: { param: string; provider: string }): string {
  const match = /^data:image\/[^;,]+(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (match?.[1] === undefined) {
    throw new GatewayError(
      'invalid_request',
      `${context.provider} takes images as base64 data: URLs only (Ollama accepts no image URLs, and the gateway does not fetch them); send data:image/png;base64,...`,
      { param: context.param, provider: context.provider },
    );
  }
  return match[1];
}

function userMessage(
  parts: readonly UserContentPart[],
  context: { param: string; convert: ConvertContext },
): OllamaMessage {
  const texts: string[] = [];
  const images: string[] = [];
  const { provider } = context.convert;
  parts.forEach((part, position) => {
    const param = `${context.param}[${position}]`;
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'image_url')
      images.push(base64Image(part.image_url.url, { param, provider }));
    else
      unsupportedParameter(context.convert.options, {
        provider,
        param,
        reason: 'Ollama chat takes text and images only',
      });
  });
  return { role: 'user', content: texts.join('\n'), ...(images.length > 0 ? { images } : {}) };
}

function toolCallOf(
  call: { id: string; function: { name: string; arguments: string } },
  context: { param: string; provider: string },
): OllamaToolCall {
  const text = call.function.arguments.trim();
  const parsed = text === '' ? { ok: true as const, value: {} } : parseJson(text);
  if (
    !parsed.ok ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    throw new GatewayError(
      'invalid_request',
      `${context.provider} needs tool call arguments to be a JSON object`,
      {
        param: context.param,
        provider: context.provider,
      },
    );
  }
  return {
    id: call.id,
    function: { name: call.function.name, arguments: parsed.value as Record<string, unknown> },
  };
}

function convertMessages(
  messages: readonly ChatMessage[],
  context: ConvertContext,
): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index): OllamaMessage => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(message.content) };
      case 'user':
        return typeof message.content === 'string'
          ? { role: 'user', content: message.content }
          : userMessage(message.content, { param: `${param}.content`, convert: context });
      case 'assistant': {
        const content = message.content;
        const text =
          typeof content === 'string'
            ? content
            : (content ?? [])
                .map((part) => (part.type === 'text' ? part.text : part.refusal))
                .join('');
        const calls = (message.tool_calls ?? []).map((call, position) => {
          toolNames.set(call.id, call.function.name);
          return toolCallOf(call, {
            param: `${param}.tool_calls[${position}]`,
            provider: context.provider,
          });
        });
        return {
          role: 'assistant',
          content: text,
          ...(message.reasoning_content ? { thinking: message.reasoning_content } : {}),
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        };
      }
      case 'tool': {
        const name = toolNames.get(message.tool_call_id);
        return {
          role: 'tool',
          content: textOf(message.content),
          ...(name === undefined ? {} : { tool_name: name }),
          tool_call_id: message.tool_call_id,
        };
      }
    }
  });
}

function think(
  effort: ReasoningEffort | null | undefined,
  model: string,
): OllamaChatRequest['think'] {
  if (effort === undefined || effort === null) return undefined;
  if (!/gpt-oss/i.test(model)) return effort !== 'none';
  // gpt-oss ignores booleans and cannot stop thinking; "none" asks for the least.
  if (effort === 'none' || effort === 'minimal' || effort === 'low') return 'low';
  return effort === 'medium' ? 'medium' : 'high';
}

function sampling(request: ChatRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null) options[key] = value;
  };
  set('temperature', request.temperature);
  set('top_p', request.top_p);
  set('seed', request.seed);
  set('presence_penalty', request.presence_penalty);
  set('frequency_penalty', request.frequency_penalty);
  set('num_predict', request.max_completion_tokens ?? request.max_tokens);
  const stop = request.stop;
  if (typeof stop === 'string') options.stop = [stop];
  else if (Array.isArray(stop) && stop.length > 0) options.stop = [...stop];
  return options;
}

function format(request: ChatRequest): OllamaChatRequest['format'] {
  const responseFormat = request.response_format;
  if (responseFormat === undefined || responseFormat === null || responseFormat.type === 'text')
    return undefined;
  if (responseFormat.type === 'json_object') return 'json';
  return responseFormat.json_schema.schema ?? 'json';
}

function tools(request: ChatRequest, context: ConvertContext): OllamaChatRequest['tools'] {
  // Ollama has no tool_choice; "none" is honoured by not offering the tools.
  if (request.tool_choice === 'none' || !request.tools || request.tools.length === 0)
    return undefined;
  return request.tools.map((tool) => {
    if (tool.function.strict === true) {
      context.options.warnings.warn(
        `${context.provider} does not enforce strict tool schemas (${tool.function.name})`,
      );
    }
    const { name, description, parameters } = tool.function;
    return {
      type: 'function' as const,
      function: {
        name,
        ...(description ? { description } : {}),
        parameters: parameters ?? { type: 'object', properties: {} },
      },
    };
  });
}

export function convertToOllamaRequest(
  request: ChatRequest,
  context: ConvertContext,
): OllamaChatRequest {
  refuseUnmapped(request, context);
  const options = sampling(request);
  const body: OllamaChatRequest = {
    model: context.model,
    messages: convertMessages(request.messages, context),
    stream: context.stream,
  };
  const offered = tools(request, context);
  if (offered !== undefined) body.tools = offered;
  const wanted = format(request);
  if (wanted !== undefined) body.format = wanted;
  const thinking = think(request.reasoning_effort, context.model);
  if (thinking !== undefined) body.think = thinking;
  if (Object.keys(options).length > 0) body.options = options;
  if (request.logprobs === true) {
    body.logprobs = true;
    if (request.top_logprobs !== undefined && request.top_logprobs !== null)
      body.top_logprobs = request.top_logprobs;
  }
  return mergeProviderOptions(body, context.options.providerOptions);
}

/** The `/api/embed` body: texts only, `dimensions` where the model supports it. */
export function convertToOllamaEmbedRequest(
  request: EmbeddingRequest,
  context: { provider: string; model: string; options: ConvertOptions },
): Record<string, unknown> {
  const input = request.input;
  if (Array.isArray(input) && input.some((item) => typeof item !== 'string')) {
    throw new GatewayError(
      'invalid_request',
      `${context.provider} embeds text inputs, not token arrays`,
      {
        param: 'input',
        provider: context.provider,
      },
    );
  }
  const body = {
    model: context.model,
    input,
    ...(request.dimensions == null ? {} : { dimensions: request.dimensions }),
  };
  return mergeProviderOptions(body, context.options.providerOptions);
}
