/**
 * The GraphQL chat input (camelCase, open-ended parts as JSON) turned back into the OpenAI
 * request body the core's zod schema validates, so GraphQL accepts exactly what REST accepts.
 */

export interface ChatMessageInputShape {
  readonly role: string;
  readonly content?: unknown;
  readonly name?: string | null;
  readonly toolCallId?: string | null;
  readonly toolCalls?: unknown;
  readonly reasoningContent?: string | null;
  readonly refusal?: string | null;
  readonly providerMetadata?: unknown;
}

export interface ChatCompletionInputShape {
  readonly model: string;
  readonly messages: readonly ChatMessageInputShape[];
  readonly temperature?: number | null;
  readonly topP?: number | null;
  readonly n?: number | null;
  readonly stop?: readonly string[] | null;
  readonly maxTokens?: number | null;
  readonly maxCompletionTokens?: number | null;
  readonly presencePenalty?: number | null;
  readonly frequencyPenalty?: number | null;
  readonly logitBias?: unknown;
  readonly logprobs?: boolean | null;
  readonly topLogprobs?: number | null;
  readonly seed?: number | null;
  readonly user?: string | null;
  readonly tools?: unknown;
  readonly toolChoice?: unknown;
  readonly parallelToolCalls?: boolean | null;
  readonly responseFormat?: unknown;
  readonly reasoningEffort?: string | null;
  readonly cache?: unknown;
  readonly fallbacks?: readonly string[] | null;
  readonly mockResponse?: string | null;
  readonly providerOptions?: unknown;
  readonly metadata?: unknown;
}

/** Drops absent fields: GraphQL's null means "not set", never a value to forward upstream. */
function present(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) out[name] = value;
  }
  return out;
}

function toMessage(message: ChatMessageInputShape): Record<string, unknown> {
  return present({
    role: message.role,
    content: message.content,
    name: message.name,
    tool_call_id: message.toolCallId,
    tool_calls: message.toolCalls,
    reasoning_content: message.reasoningContent,
    refusal: message.refusal,
    provider_metadata: message.providerMetadata,
  });
}

/** A streaming request body; usage is always asked for (accounting needs it). */
export function toChatRequestBody(input: ChatCompletionInputShape): Record<string, unknown> {
  return {
    ...present({
      model: input.model,
      messages: input.messages.map(toMessage),
      temperature: input.temperature,
      top_p: input.topP,
      n: input.n,
      stop: input.stop,
      max_tokens: input.maxTokens,
      max_completion_tokens: input.maxCompletionTokens,
      presence_penalty: input.presencePenalty,
      frequency_penalty: input.frequencyPenalty,
      logit_bias: input.logitBias,
      logprobs: input.logprobs,
      top_logprobs: input.topLogprobs,
      seed: input.seed,
      user: input.user,
      tools: input.tools,
      tool_choice: input.toolChoice,
      parallel_tool_calls: input.parallelToolCalls,
      response_format: input.responseFormat,
      reasoning_effort: input.reasoningEffort,
      cache: input.cache,
      fallbacks: input.fallbacks,
      mock_response: input.mockResponse,
      provider_options: input.providerOptions,
      metadata: input.metadata,
    }),
    stream: true,
    stream_options: { include_usage: true },
  };
}
