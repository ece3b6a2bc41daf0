import { z } from 'zod';

/**
 * The canonical chat request: OpenAI's Chat Completions request, the gateway's lingua franca.
 * Objects are `loose` so that fields this schema does not know reach `openai/` and `azure/`
 * upstreams unchanged (SPEC §3); native adapters reject what they cannot honour.
 */

export const textPartSchema = z
  .object({
    type: z.literal('text'),
    /** The text of this part. */
    text: z.string(),
  })
  .loose();

export const imagePartSchema = z
  .object({
    type: z.literal('image_url'),
    image_url: z
      .object({
        /** An http(s) URL or a `data:` URL with base64 content. */
        url: z.string(),
        /** OpenAI's image detail hint. */
        detail: z.enum(['auto', 'low', 'high']).nullish(),
      })
      .loose(),
  })
  .loose();

export const audioPartSchema = z
  .object({
    type: z.literal('input_audio'),
    input_audio: z
      .object({
        /** Base64-encoded audio. */
        data: z.string(),
        /** Audio container format, e.g. `wav` or `mp3`. */
        format: z.string(),
      })
      .loose(),
  })
  .loose();

export const filePartSchema = z
  .object({
    type: z.literal('file'),
    file: z
      .object({
        /** Base64 `data:` URL of the file. */
        file_data: z.string().nullish(),
        /** An id of a file uploaded to the provider. */
        file_id: z.string().nullish(),
        /** The file's name. */
        filename: z.string().nullish(),
      })
      .loose(),
  })
  .loose();

export const refusalPartSchema = z
  .object({
    type: z.literal('refusal'),
    /** The refusal text of an earlier assistant turn. */
    refusal: z.string(),
  })
  .loose();

export const userContentPartSchema = z.discriminatedUnion('type', [
  textPartSchema,
  imagePartSchema,
  audioPartSchema,
  filePartSchema,
]);

export const toolCallSchema = z
  .object({
    /** The id the model gave this call; tool results refer to it. */
    id: z.string(),
    type: z.literal('function'),
    function: z
      .object({
        /** The function's name. */
        name: z.string(),
        /** The arguments as a JSON-encoded string, exactly as the model produced them. */
        arguments: z.string(),
      })
      .loose(),
  })
  .loose();

const textContent = z.union([z.string(), z.array(textPartSchema)]);

export const systemMessageSchema = z
  .object({
    role: z.literal('system'),
    /** The instructions. */
    content: textContent,
    /** An optional participant name. */
    name: z.string().nullish(),
  })
  .loose();

export const developerMessageSchema = z
  .object({
    role: z.literal('developer'),
    /** The instructions (OpenAI's newer name for system messages). */
    content: textContent,
    /** An optional participant name. */
    name: z.string().nullish(),
  })
  .loose();

export const userMessageSchema = z
  .object({
    role: z.literal('user'),
    /** Text, or parts mixing text, images, audio and files. */
    content: z.union([z.string(), z.array(userContentPartSchema)]),
    /** An optional participant name. */
    name: z.string().nullish(),
  })
  .loose();

export const assistantMessageSchema = z
  .object({
    role: z.literal('assistant'),
    /** The reply text; null when the turn only called tools. */
    content: z.union([z.string(), z.array(z.union([textPartSchema, refusalPartSchema]))]).nullish(),
    /** A refusal given instead of content. */
    refusal: z.string().nullish(),
    /** Tool calls the assistant made in this turn. */
    tool_calls: z.array(toolCallSchema).nullish(),
    /** Reasoning text of this turn, sent back so providers that need it can continue thinking. */
    reasoning_content: z.string().nullish(),
    /** Provider-only data of this turn (e.g. thinking signatures), returned as the gateway gave it. */
    provider_metadata: z.record(z.string(), z.unknown()).nullish(),
    /** An optional participant name. */
    name: z.string().nullish(),
  })
  .loose();

export const toolMessageSchema = z
  .object({
    role: z.literal('tool'),
    /** The tool's result. */
    content: textContent,
    /** The id of the tool call this answers. */
    tool_call_id: z.string(),
  })
  .loose();

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  developerMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
]);

export const functionToolSchema = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        /** The function's name as the model will call it. */
        name: z.string().min(1),
        /** What the function does, for the model. */
        description: z.string().nullish(),
        /** A JSON Schema object describing the arguments. */
        parameters: z.record(z.string(), z.unknown()).nullish(),
        /** Ask the provider to enforce the schema exactly. */
        strict: z.boolean().nullish(),
      })
      .loose(),
  })
  .loose();

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z
    .object({
      type: z.literal('function'),
      function: z.object({ name: z.string() }).loose(),
    })
    .loose(),
]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z
        .object({
          /** A name for the schema. */
          name: z.string(),
          /** What the output is for. */
          description: z.string().nullish(),
          /** The JSON Schema the output must follow. */
          schema: z.record(z.string(), z.unknown()).nullish(),
          /** Ask the provider to enforce the schema exactly. */
          strict: z.boolean().nullish(),
        })
        .loose(),
    })
    .loose(),
]);

/** Per-request cache controls (LiteLLM's `cache` body field); consumed by the gateway. */
export const cacheControlsSchema = z
  .object({
    'no-cache': z.boolean().nullish(),
    'no-store': z.boolean().nullish(),
    ttl: z.number().nonnegative().nullish(),
    's-maxage': z.number().nonnegative().nullish(),
    namespace: z.string().nullish(),
  })
  .loose();

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

const stopSchema = z.union([z.string(), z.array(z.string()).max(16)]);

export const chatRequestSchema = z
  .object({
    /** The model group (or `provider/model`) to serve the request. */
    model: z.string().min(1),
    /** The conversation so far. */
    messages: z.array(chatMessageSchema).min(1),
    /** Stream the answer as server-sent events. */
    stream: z.boolean().nullish(),
    /** Streaming options; `include_usage` adds a final usage chunk. */
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    /** Sampling temperature, 0 to 2. */
    temperature: z.number().min(0).max(2).nullish(),
    /** Nucleus sampling mass. */
    top_p: z.number().min(0).max(1).nullish(),
    /** Number of choices to generate. */
    n: z.number().int().min(1).max(128).nullish(),
    /** Up to 16 stop sequences (OpenAI allows 4; other providers more). */
    stop: stopSchema.nullish(),
    /** Legacy cap on generated tokens. */
    max_tokens: z.number().int().min(1).nullish(),
    /** Cap on generated tokens, reasoning included. */
    max_completion_tokens: z.number().int().min(1).nullish(),
    /** Penalty for tokens already present. */
    presence_penalty: z.number().min(-2).max(2).nullish(),
    /** Penalty proportional to token frequency. */
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    /** Token id → bias. */
    logit_bias: z.record(z.string(), z.number()).nullish(),
    /** Return log probabilities. */
    logprobs: z.boolean().nullish(),
    /** How many alternatives per position with log probabilities. */
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    /** Seed for best-effort determinism. */
    seed: z.number().int().nullish(),
    /** End-user identifier for abuse monitoring. */
    user: z.string().nullish(),
    /** Tools the model may call. */
    tools: z.array(functionToolSchema).nullish(),
    /** Which tool, if any, the model must call. */
    tool_choice: toolChoiceSchema.nullish(),
    /** Allow several tool calls in one turn. */
    parallel_tool_calls: z.boolean().nullish(),
    /** Plain text, any JSON object, or JSON following a schema. */
    response_format: responseFormatSchema.nullish(),
    /** How hard a reasoning model thinks. */
    reasoning_effort: reasoningEffortSchema.nullish(),

    // Gateway fields: consumed by Tollgate, never sent upstream (SPEC §3).
    /** Per-request cache controls. */
    cache: cacheControlsSchema.nullish(),
    /** Model groups to try, in order, when this one fails. */
    fallbacks: z.array(z.string().min(1)).nullish(),
    /** A fixed answer for the `mock` provider. */
    mock_response: z.string().nullish(),
    /** Provider-specific fields, merged into that provider's native request only. */
    provider_options: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
    /** Free-form tags recorded with the request. */
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

/** The fields of a chat request the gateway consumes and never forwards. */
export const GATEWAY_FIELDS = [
  'cache',
  'fallbacks',
  'mock_response',
  'provider_options',
  'metadata',
] as const;

export type GatewayFieldName = (typeof GATEWAY_FIELDS)[number];

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type UserContentPart = z.infer<typeof userContentPartSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
export type FunctionTool = z.infer<typeof functionToolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type ResponseFormat = z.infer<typeof responseFormatSchema>;
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;
export type CacheControls = z.infer<typeof cacheControlsSchema>;
