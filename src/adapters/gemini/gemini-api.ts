import { z } from 'zod';

/**
 * Wire format of Google's `generateContent` family, shared by the Gemini API (AI Studio) and
 * Vertex AI: https://ai.google.dev/api/generate-content and
 * https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/GenerateContentResponse.
 * Response schemas list only the fields the adapters read, all `.nullish()`, and are `.loose()`
 * so the data we only forward (safety ratings, grounding, citations) reaches provider_metadata
 * unchanged. Request types are plain TypeScript: we build them, nobody else.
 *
 * Stream events are not parsed here: that is the hot path, see `read-gemini-chunk.ts`, which
 * checks the same fields by hand and yields the same types.
 */

// ---- request -----------------------------------------------------------------------------

/** One request part: exactly one data field set (text, inlineData, fileData, functionCall...). */
export interface GeminiRequestPart {
  text?: string;
  /** Marks a part as the model's thinking; sent back only to carry its signature. */
  thought?: boolean;
  /** Opaque signature Gemini needs back to continue its reasoning (thought signatures). */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { name: string; args: Record<string, unknown> };
  functionResponse?: { name: string; response: Record<string, unknown> };
}

export interface GeminiContent {
  /** `user` or `model`; tool results travel as `user` content. */
  role: 'user' | 'model';
  parts: GeminiRequestPart[];
}

/** Gemini's Schema: a subset of OpenAPI 3.0 (https://ai.google.dev/api/caching#Schema). */
export interface GeminiSchema {
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  items?: GeminiSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  propertyOrdering?: string[];
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: GeminiSchema[];
  default?: unknown;
  example?: unknown;
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export interface GeminiToolConfig {
  functionCallingConfig: {
    mode: 'AUTO' | 'ANY' | 'NONE';
    allowedFunctionNames?: string[];
  };
}

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.5: a token budget (0 turns thinking off, -1 lets the model decide). */
  thinkingBudget?: number;
  /** Gemini 3 and later: a level instead of a budget. */
  thinkingLevel?: 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  thinkingConfig?: GeminiThinkingConfig;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

// ---- response ----------------------------------------------------------------------------

export const geminiFunctionCallSchema = z
  .object({
    /** Set by some models and by Vertex AI; Tollgate generates one when it is absent. */
    id: z.string().nullish(),
    name: z.string(),
    args: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export const geminiPartSchema = z
  .object({
    text: z.string().nullish(),
    thought: z.boolean().nullish(),
    thoughtSignature: z.string().nullish(),
    functionCall: geminiFunctionCallSchema.nullish(),
  })
  .loose();

export const geminiCandidateSchema = z
  .object({
    index: z.number().int().nonnegative().nullish(),
    content: z
      .object({ role: z.string().nullish(), parts: z.array(geminiPartSchema).nullish() })
      .loose()
      .nullish(),
    finishReason: z.string().nullish(),
    finishMessage: z.string().nullish(),
    // Forwarded as they are, never read.
    safetyRatings: z.unknown().optional(),
    citationMetadata: z.unknown().optional(),
    groundingMetadata: z.unknown().optional(),
    urlContextMetadata: z.unknown().optional(),
  })
  .loose();

const tokenCount = z.number().int().nonnegative().nullish();

export const geminiModalityCountSchema = z
  .object({ modality: z.string().nullish(), tokenCount })
  .loose();

export const geminiUsageSchema = z
  .object({
    /** Input tokens, cached ones included (https://ai.google.dev/api/generate-content#UsageMetadata). */
    promptTokenCount: tokenCount,
    /** Output tokens of the answer, thoughts NOT included. */
    candidatesTokenCount: tokenCount,
    /** Tokens spent thinking. */
    thoughtsTokenCount: tokenCount,
    /** Input tokens read from the context cache. */
    cachedContentTokenCount: tokenCount,
    /** Input tokens of tool results the model fetched itself (search grounding, URL context). */
    toolUsePromptTokenCount: tokenCount,
    totalTokenCount: tokenCount,
    promptTokensDetails: z.array(geminiModalityCountSchema).nullish(),
  })
  .loose();

export const geminiPromptFeedbackSchema = z
  .object({ blockReason: z.string().nullish(), blockReasonMessage: z.string().nullish() })
  .loose();

export const geminiResponseSchema = z
  .object({
    candidates: z.array(geminiCandidateSchema).nullish(),
    promptFeedback: geminiPromptFeedbackSchema.nullish(),
    usageMetadata: geminiUsageSchema.nullish(),
    modelVersion: z.string().nullish(),
    responseId: z.string().nullish(),
    /** Vertex AI only: RFC 3339 time the request was received. */
    createTime: z.string().nullish(),
  })
  .loose();

/** Google's error envelope (https://cloud.google.com/apis/design/errors#http_mapping). */
export const googleErrorDetailSchema = z
  .object({
    code: z.number().nullish(),
    message: z.string().nullish(),
    status: z.string().nullish(),
    details: z
      .array(
        z
          .object({
            '@type': z.string().nullish(),
            reason: z.string().nullish(),
            retryDelay: z.string().nullish(),
          })
          .loose(),
      )
      .nullish(),
  })
  .loose();

export const googleErrorBodySchema = z.object({ error: googleErrorDetailSchema }).loose();

// ---- embeddings --------------------------------------------------------------------------

const embeddingValues = z.object({ values: z.array(z.number()) }).loose();

/** `models.embedContent` (https://ai.google.dev/api/embeddings#method:-models.embedcontent). */
export const geminiEmbedContentResponseSchema = z.object({ embedding: embeddingValues }).loose();

/** `models.batchEmbedContents`: one embedding per request, in request order. */
export const geminiBatchEmbedResponseSchema = z
  .object({ embeddings: z.array(embeddingValues) })
  .loose();

export type GeminiPart = z.infer<typeof geminiPartSchema>;
export type GeminiFunctionCall = z.infer<typeof geminiFunctionCallSchema>;
export type GeminiCandidate = z.infer<typeof geminiCandidateSchema>;
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;
export type GeminiPromptFeedback = z.infer<typeof geminiPromptFeedbackSchema>;
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;
export type GoogleErrorDetail = z.infer<typeof googleErrorDetailSchema>;
