import type { ChatChunk, ChatChunkChoice, ChatDelta, ToolCallDelta } from '../core/chat-chunk.js';
import type { Usage } from '../core/usage.js';
import { builder } from './builder.js';
import { ChatSubscription, type ChatEvent } from './chat-subscription.js';

const ChatRoleEnum = builder.enumType('ChatRole', {
  values: {
    SYSTEM: { value: 'system' },
    DEVELOPER: { value: 'developer' },
    USER: { value: 'user' },
    ASSISTANT: { value: 'assistant' },
    TOOL: { value: 'tool' },
  } as const,
});

const ChatMessageInput = builder.inputType('ChatMessageInput', {
  description: 'One OpenAI chat message; open-ended parts are JSON, validated like REST.',
  fields: (t) => ({
    role: t.field({ type: ChatRoleEnum, required: true }),
    content: t.field({
      type: 'JSON',
      description: 'A string, or content parts (text, image_url, input_audio, file).',
    }),
    name: t.string(),
    toolCallId: t.string({ description: 'For TOOL messages: the call this answers.' }),
    toolCalls: t.field({ type: 'JSON', description: 'For ASSISTANT messages: its tool calls.' }),
    reasoningContent: t.string(),
    refusal: t.string(),
    providerMetadata: t.field({ type: 'JSON' }),
  }),
});

const ChatCompletionInput = builder.inputType('ChatCompletionInput', {
  description:
    'The OpenAI chat request in camelCase; tools, toolChoice, responseFormat, providerOptions ' +
    'and the like are JSON in their OpenAI shape. Validated with the REST shim’s schema.',
  fields: (t) => ({
    model: t.string({ required: true }),
    messages: t.field({ type: [ChatMessageInput], required: true }),
    temperature: t.float(),
    topP: t.float(),
    n: t.int(),
    stop: t.stringList(),
    maxTokens: t.int(),
    maxCompletionTokens: t.int(),
    presencePenalty: t.float(),
    frequencyPenalty: t.float(),
    logitBias: t.field({ type: 'JSON' }),
    logprobs: t.boolean(),
    topLogprobs: t.int(),
    seed: t.int(),
    user: t.string(),
    tools: t.field({ type: 'JSON' }),
    toolChoice: t.field({ type: 'JSON' }),
    parallelToolCalls: t.boolean(),
    responseFormat: t.field({ type: 'JSON' }),
    reasoningEffort: t.string({ description: 'none, minimal, low, medium, high or xhigh.' }),
    cache: t.field({ type: 'JSON', description: 'Per-request cache controls.' }),
    fallbacks: t.stringList({ description: 'Model groups to try when this one fails.' }),
    mockResponse: t.string({ description: 'A fixed answer for the mock provider.' }),
    providerOptions: t.field({
      type: 'JSON',
      description: 'Provider-specific fields, by provider name.',
    }),
    metadata: t.field({ type: 'JSON', description: 'Tags recorded with the request.' }),
    includeUsage: t.boolean({
      defaultValue: true,
      description: 'End with a usage chunk carrying the cost (default true).',
    }),
  }),
});

const ToolCallFunctionDeltaRef = builder
  .objectRef<NonNullable<ToolCallDelta['function']>>('ToolCallFunctionDelta')
  .implement({
    fields: (t) => ({
      name: t.string({ nullable: true, resolve: (f) => f.name ?? null }),
      arguments: t.string({
        nullable: true,
        description: 'A fragment of the JSON arguments.',
        resolve: (f) => f.arguments ?? null,
      }),
    }),
  });

const ToolCallDeltaRef = builder.objectRef<ToolCallDelta>('ToolCallDelta').implement({
  fields: (t) => ({
    index: t.int({ resolve: (call) => call.index }),
    id: t.string({ nullable: true, resolve: (call) => call.id ?? null }),
    type: t.string({ nullable: true, resolve: (call) => call.type ?? null }),
    function: t.field({
      type: ToolCallFunctionDeltaRef,
      nullable: true,
      resolve: (call) => call.function ?? null,
    }),
  }),
});

const ChatDeltaRef = builder.objectRef<ChatDelta>('ChatDelta').implement({
  fields: (t) => ({
    role: t.string({ nullable: true, resolve: (delta) => delta.role ?? null }),
    content: t.string({ nullable: true, resolve: (delta) => delta.content ?? null }),
    refusal: t.string({ nullable: true, resolve: (delta) => delta.refusal ?? null }),
    reasoningContent: t.string({
      nullable: true,
      resolve: (delta) => delta.reasoning_content ?? null,
    }),
    toolCalls: t.field({
      type: [ToolCallDeltaRef],
      nullable: true,
      resolve: (delta) => delta.tool_calls ?? null,
    }),
    providerMetadata: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (delta) => delta.provider_metadata ?? null,
    }),
  }),
});

const ChatChunkChoiceRef = builder.objectRef<ChatChunkChoice>('ChatChunkChoice').implement({
  fields: (t) => ({
    index: t.int({ resolve: (choice) => choice.index }),
    delta: t.field({ type: ChatDeltaRef, resolve: (choice) => choice.delta }),
    finishReason: t.string({
      nullable: true,
      description: 'stop, length, tool_calls, content_filter or function_call.',
      resolve: (choice) => choice.finish_reason ?? null,
    }),
    logprobs: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (choice) => choice.logprobs ?? null,
    }),
  }),
});

const ChatUsageRef = builder.objectRef<Usage>('ChatUsage').implement({
  description:
    'Counted the OpenAI way: prompt includes cached input, completion includes reasoning.',
  fields: (t) => ({
    promptTokens: t.int({ resolve: (usage) => usage.prompt_tokens }),
    completionTokens: t.int({ resolve: (usage) => usage.completion_tokens }),
    totalTokens: t.int({ resolve: (usage) => usage.total_tokens }),
    cachedTokens: t.int({
      nullable: true,
      resolve: (usage) => usage.prompt_tokens_details?.cached_tokens ?? null,
    }),
    reasoningTokens: t.int({
      nullable: true,
      resolve: (usage) => usage.completion_tokens_details?.reasoning_tokens ?? null,
    }),
    cost: t.float({
      nullable: true,
      description: 'The request’s cost in USD (on the final usage chunk).',
      resolve: (usage) => usage.cost ?? null,
    }),
  }),
});

const ChatCompletionChunkRef = builder.objectRef<ChatChunk>('ChatCompletionChunk').implement({
  description: 'One chunk of a streamed chat completion (OpenAI’s chat.completion.chunk).',
  fields: (t) => ({
    id: t.string({ resolve: (chunk) => chunk.id }),
    object: t.string({ resolve: (chunk) => chunk.object }),
    created: t.int({ description: 'Unix seconds.', resolve: (chunk) => chunk.created }),
    model: t.string({ resolve: (chunk) => chunk.model }),
    choices: t.field({ type: [ChatChunkChoiceRef], resolve: (chunk) => chunk.choices }),
    usage: t.field({
      type: ChatUsageRef,
      nullable: true,
      description: 'On the final chunk only (with includeUsage).',
      resolve: (chunk) => chunk.usage ?? null,
    }),
    systemFingerprint: t.string({
      nullable: true,
      resolve: (chunk) => chunk.system_fingerprint ?? null,
    }),
    providerMetadata: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (chunk) => chunk.provider_metadata ?? null,
    }),
  }),
});

builder.subscriptionFields((t) => ({
  chatCompletion: t.field({
    type: ChatCompletionChunkRef,
    description:
      'A streamed chat completion through the same pipeline as POST /v1/chat/completions ' +
      '(budgets, rate limits, one spend row). Unsubscribing cancels the upstream request.',
    args: { input: t.arg({ type: ChatCompletionInput, required: true }) },
    subscribe: (_root, args, ctx) => {
      const { includeUsage, ...input } = args.input;
      return new ChatSubscription(
        { tollgate: ctx.tollgate, credential: ctx.credential, subscriptions: ctx.subscriptions },
        { input, includeUsage: includeUsage ?? true },
      );
    },
    resolve: (event: ChatEvent) => {
      if ('error' in event) throw event.error;
      return event.chunk;
    },
  }),
}));
