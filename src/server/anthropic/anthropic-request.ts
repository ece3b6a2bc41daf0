import { z } from 'zod';
import { cacheControlsSchema } from '../../core/chat-request.js';

/**
 * The Anthropic Messages API request as `POST /v1/messages` accepts it
 * (https://docs.anthropic.com/en/api/messages). Objects are loose: a field this schema does not
 * know is kept in the raw body, which reaches an anthropic deployment unchanged (see
 * convert-anthropic-request.ts), while wrong types of the fields it knows are a 400. Content
 * blocks and tools of a type it does not know parse as `unsupported`: Anthropic adds block types
 * often, and only the deployment's provider can tell whether it can honour them.
 */

/** A prompt-caching breakpoint (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching). */
const cacheControlSchema = z.object({ type: z.string() }).loose();

export const textBlockSchema = z
  .object({
    type: z.literal('text'),
    /** The text of this block. */
    text: z.string(),
    cache_control: cacheControlSchema.nullish(),
  })
  .loose();

const base64SourceSchema = z
  .object({
    type: z.literal('base64'),
    /** e.g. `image/png`, `application/pdf`. */
    media_type: z.string(),
    /** Base64 without a `data:` prefix. */
    data: z.string(),
  })
  .loose();

const urlSourceSchema = z.object({ type: z.literal('url'), url: z.string() }).loose();
const fileSourceSchema = z.object({ type: z.literal('file'), file_id: z.string() }).loose();

export const imageBlockSchema = z
  .object({
    type: z.literal('image'),
    source: z.discriminatedUnion('type', [base64SourceSchema, urlSourceSchema, fileSourceSchema]),
    cache_control: cacheControlSchema.nullish(),
  })
  .loose();

const textSourceSchema = z
  .object({ type: z.literal('text'), media_type: z.string().nullish(), data: z.string() })
  .loose();

const contentSourceSchema = z
  .object({
    type: z.literal('content'),
    content: z.union([z.string(), z.array(z.union([textBlockSchema, imageBlockSchema]))]),
  })
  .loose();

export const documentBlockSchema = z
  .object({
    type: z.literal('document'),
    source: z.discriminatedUnion('type', [
      base64SourceSchema,
      textSourceSchema,
      contentSourceSchema,
      urlSourceSchema,
      fileSourceSchema,
    ]),
    /** The document's title (used as the file name for providers that take files). */
    title: z.string().nullish(),
    cache_control: cacheControlSchema.nullish(),
  })
  .loose();

export const toolUseBlockSchema = z
  .object({
    type: z.literal('tool_use'),
    /** The call's id; the matching `tool_result` refers to it. */
    id: z.string(),
    name: z.string(),
    /** The arguments as an object. */
    input: z.record(z.string(), z.unknown()),
    cache_control: cacheControlSchema.nullish(),
  })
  .loose();

export const thinkingBlockSchema = z
  .object({
    type: z.literal('thinking'),
    thinking: z.string(),
    /** Anthropic's signature over the thinking, required to continue a thinking turn. */
    signature: z.string(),
  })
  .loose();

export const redactedThinkingBlockSchema = z
  .object({
    type: z.literal('redacted_thinking'),
    /** Encrypted thinking, meaningful to Anthropic only. */
    data: z.string(),
  })
  .loose();

/** A block of a type this schema does not know: kept only in the raw body (see file comment). */
export interface UnsupportedBlock {
  readonly type: 'unsupported';
  /** The block's `type` on the wire. */
  readonly blockType: string;
}

type SchemaMap = Readonly<Record<string, z.ZodType>>;

/**
 * A block validated by the schema of its `type` (issues keep their precise path), or an
 * UnsupportedBlock when no schema knows that type.
 */
function blockOf<S extends SchemaMap>(
  schemas: S,
): z.ZodType<z.output<S[keyof S]> | UnsupportedBlock> {
  return z
    .object({ type: z.string() })
    .loose()
    .transform((block, ctx): z.output<S[keyof S]> | UnsupportedBlock => {
      const schema = Object.hasOwn(schemas, block.type) ? schemas[block.type] : undefined;
      if (schema === undefined) return { type: 'unsupported', blockType: block.type };
      const parsed = schema.safeParse(block);
      if (parsed.success) return parsed.data as z.output<S[keyof S]>;
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: block });
      }
      return z.NEVER;
    });
}

/** Blocks a tool result may hold. */
export const toolResultContentBlockSchema = blockOf({
  text: textBlockSchema,
  image: imageBlockSchema,
  document: documentBlockSchema,
});

export const toolResultBlockSchema = z
  .object({
    type: z.literal('tool_result'),
    /** The id of the `tool_use` this answers. */
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(toolResultContentBlockSchema)]).nullish(),
    /** The tool failed; the content describes the failure. */
    is_error: z.boolean().nullish(),
    cache_control: cacheControlSchema.nullish(),
  })
  .loose();

export const contentBlockSchema = blockOf({
  text: textBlockSchema,
  image: imageBlockSchema,
  document: documentBlockSchema,
  tool_use: toolUseBlockSchema,
  tool_result: toolResultBlockSchema,
  thinking: thinkingBlockSchema,
  redacted_thinking: redactedThinkingBlockSchema,
});

export const messageSchema = z
  .object({
    /** `system` mid-conversation is accepted as newer API versions do. */
    role: z.enum(['user', 'assistant', 'system']),
    content: z.union([z.string(), z.array(contentBlockSchema)]),
  })
  .loose();

export const customToolSchema = z
  .object({
    type: z.literal('custom').nullish(),
    name: z.string().min(1),
    description: z.string().nullish(),
    /** JSON Schema of the tool's input. */
    input_schema: z.record(z.string(), z.unknown()),
    /** Ask for the input to follow the schema exactly. */
    strict: z.boolean().nullish(),
    cache_control: cacheControlSchema.nullish(),
  })
  .loose();

/** Anthropic's server and client tools (`web_search_…`, `bash_…`): no canonical equivalent. */
export interface UnsupportedTool {
  readonly type: 'unsupported';
  readonly toolType: string;
}

export const toolSchema = z
  .object({ type: z.string().nullish() })
  .loose()
  .transform((tool, ctx): z.output<typeof customToolSchema> | UnsupportedTool => {
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      return { type: 'unsupported', toolType: tool.type };
    }
    const parsed = customToolSchema.safeParse(tool);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: tool });
    }
    return z.NEVER;
  });

const parallelFlag = { disable_parallel_tool_use: z.boolean().nullish() };

export const toolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...parallelFlag }).loose(),
  z.object({ type: z.literal('any'), ...parallelFlag }).loose(),
  z.object({ type: z.literal('tool'), name: z.string().min(1), ...parallelFlag }).loose(),
  z.object({ type: z.literal('none') }).loose(),
]);

/** `enabled` (with a budget), `disabled`, `adaptive`, or a newer type kept for anthropic only. */
export const thinkingSchema = z
  .object({
    type: z.string(),
    /** Must be at least 1024 and below max_tokens (Anthropic's rule). */
    budget_tokens: z.number().int().min(1024).nullish(),
  })
  .loose()
  .refine((thinking) => thinking.type !== 'enabled' || typeof thinking.budget_tokens === 'number', {
    message: 'budget_tokens is required when thinking is enabled',
    path: ['budget_tokens'],
  });

export const outputConfigSchema = z
  .object({
    effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
    format: z
      .object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
      .loose()
      .nullish(),
  })
  .loose();

const requestFields = {
  /** The model group (or `provider/model`) to serve the request. */
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  /** Required by Anthropic: the cap on generated tokens, thinking included. */
  max_tokens: z.number().int().min(1),
  system: z.union([z.string(), z.array(textBlockSchema)]).nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingSchema.nullish(),
  output_config: outputConfigSchema.nullish(),
  metadata: z.object({ user_id: z.string().nullish() }).loose().nullish(),
  stream: z.boolean().nullish(),

  // Tollgate's gateway fields (SPEC §3), accepted here too; never sent upstream.
  /** Provider-specific fields, merged into that provider's native request only. */
  provider_options: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
  /** Model groups to try, in order, when this one fails. */
  fallbacks: z.array(z.string().min(1)).nullish(),
  /** Per-request cache controls. */
  cache: cacheControlsSchema.nullish(),
  /** A fixed answer for the `mock` provider. */
  mock_response: z.string().nullish(),
};

export const anthropicRequestSchema = z.object(requestFields).loose();

/** The top-level fields the schema knows; any other field is kept for anthropic deployments only. */
export const KNOWN_REQUEST_FIELDS: ReadonlySet<string> = new Set(Object.keys(requestFields));

/** `POST /v1/messages/count_tokens` takes the same body without `max_tokens` and `stream`. */
export const anthropicCountTokensRequestSchema = z
  .object({ ...requestFields, max_tokens: z.number().int().min(1).nullish() })
  .loose();

/** The request fields Tollgate consumes itself; they never reach a provider. */
export const TOLLGATE_FIELDS: ReadonlySet<string> = new Set([
  'provider_options',
  'fallbacks',
  'cache',
  'mock_response',
]);

export type AnthropicRequest = z.output<typeof anthropicRequestSchema>;
export type AnthropicCountTokensRequest = z.output<typeof anthropicCountTokensRequestSchema>;
export type AnthropicMessageParam = z.output<typeof messageSchema>;
export type AnthropicContentBlock = z.output<typeof contentBlockSchema>;
export type AnthropicToolResultContentBlock = z.output<typeof toolResultContentBlockSchema>;
export type AnthropicTextBlock = z.output<typeof textBlockSchema>;
export type AnthropicImageBlock = z.output<typeof imageBlockSchema>;
export type AnthropicDocumentBlock = z.output<typeof documentBlockSchema>;
export type AnthropicToolResultBlock = z.output<typeof toolResultBlockSchema>;
export type AnthropicTool = z.output<typeof toolSchema>;
export type AnthropicToolChoice = z.output<typeof toolChoiceSchema>;
export type AnthropicThinking = z.output<typeof thinkingSchema>;
export type AnthropicOutputConfig = z.output<typeof outputConfigSchema>;
