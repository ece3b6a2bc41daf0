import { z } from 'zod';

/**
 * Wire shapes of the Bedrock Converse API. Requests are plain types (we build them); responses
 * are zod schemas listing only the fields we read, `.nullish()` where optional, `.loose()` so
 * unknown fields do not fail a parse. Blobs (image bytes, redacted reasoning) travel as base64
 * strings in the JSON protocol. Stream events are not parsed here: that is the hot path, see
 * `read-bedrock-event.ts`.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */

export type BedrockImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export type BedrockDocumentFormat =
  'pdf' | 'csv' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'html' | 'txt' | 'md';

export interface BedrockImageBlock {
  readonly image: {
    readonly format: BedrockImageFormat;
    readonly source: { readonly bytes: string };
  };
}

export interface BedrockDocumentBlock {
  readonly document: {
    readonly format: BedrockDocumentFormat;
    readonly name: string;
    readonly source: { readonly bytes: string };
  };
}

export interface BedrockToolUseBlock {
  readonly toolUse: { readonly toolUseId: string; readonly name: string; readonly input: unknown };
}

export interface BedrockToolResultBlock {
  readonly toolResult: {
    readonly toolUseId: string;
    readonly content: ReadonlyArray<{ readonly text: string }>;
  };
}

export interface BedrockReasoningBlock {
  readonly reasoningContent:
    | { readonly reasoningText: { readonly text: string; readonly signature?: string } }
    | { readonly redactedContent: string };
}

export type BedrockContentBlock =
  | { readonly text: string }
  | BedrockImageBlock
  | BedrockDocumentBlock
  | BedrockToolUseBlock
  | BedrockToolResultBlock
  | BedrockReasoningBlock;

export interface BedrockMessage {
  readonly role: 'user' | 'assistant';
  readonly content: BedrockContentBlock[];
}

export interface BedrockToolSpec {
  readonly toolSpec: {
    readonly name: string;
    readonly description?: string;
    readonly inputSchema: { readonly json: Record<string, unknown> };
    readonly strict?: boolean;
  };
}

export type BedrockToolChoice =
  | { readonly auto: Record<string, never> }
  | { readonly any: Record<string, never> }
  | { readonly tool: { readonly name: string } };

export interface BedrockInferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

/** The body of Converse and ConverseStream (the model id is in the path). */
export interface BedrockConverseRequest {
  messages: BedrockMessage[];
  system?: Array<{ text: string }>;
  inferenceConfig?: BedrockInferenceConfig;
  toolConfig?: { tools: BedrockToolSpec[]; toolChoice?: BedrockToolChoice };
  outputConfig?: Record<string, unknown>;
  additionalModelRequestFields?: Record<string, unknown>;
  [key: string]: unknown;
}

export const bedrockUsageSchema = z
  .object({
    inputTokens: z.number().int().nonnegative().nullish(),
    outputTokens: z.number().int().nonnegative().nullish(),
    totalTokens: z.number().int().nonnegative().nullish(),
    cacheReadInputTokens: z.number().int().nonnegative().nullish(),
    cacheWriteInputTokens: z.number().int().nonnegative().nullish(),
  })
  .loose();

const reasoningContentSchema = z
  .object({
    reasoningText: z
      .object({ text: z.string().nullish(), signature: z.string().nullish() })
      .loose()
      .nullish(),
    redactedContent: z.string().nullish(),
  })
  .loose();

export const bedrockResponseBlockSchema = z
  .object({
    text: z.string().nullish(),
    toolUse: z
      .object({ toolUseId: z.string(), name: z.string(), input: z.unknown() })
      .loose()
      .nullish(),
    reasoningContent: reasoningContentSchema.nullish(),
  })
  .loose();

export const bedrockConverseResponseSchema = z
  .object({
    output: z.object({
      message: z
        .object({ role: z.string().nullish(), content: z.array(bedrockResponseBlockSchema) })
        .loose(),
    }),
    stopReason: z.string().nullish(),
    usage: bedrockUsageSchema.nullish(),
    metrics: z.record(z.string(), z.unknown()).nullish(),
    trace: z.record(z.string(), z.unknown()).nullish(),
    additionalModelResponseFields: z.unknown().nullish(),
    performanceConfig: z.unknown().nullish(),
    serviceTier: z.unknown().nullish(),
  })
  .loose();

/**
 * Error bodies: `{"message": "..."}`, with the error type in the `x-amzn-errortype` header.
 * Some front ends answer `{"Message": "..."}`; both are read.
 */
export const bedrockErrorBodySchema = z
  .object({ message: z.string().nullish(), Message: z.string().nullish() })
  .loose();

export type BedrockUsage = z.infer<typeof bedrockUsageSchema>;
export type BedrockResponseBlock = z.infer<typeof bedrockResponseBlockSchema>;
export type BedrockConverseResponse = z.infer<typeof bedrockConverseResponseSchema>;
