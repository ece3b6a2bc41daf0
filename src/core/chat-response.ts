import { z } from 'zod';
import { toolCallSchema } from './chat-request.js';
import { usageSchema } from './usage.js';

/** Why generation stopped, in OpenAI's vocabulary; the provider's raw value goes to provider_metadata. */
export const finishReasonSchema = z.enum([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'function_call',
]);

export const responseMessageSchema = z
  .object({
    role: z.literal('assistant'),
    /** The answer text, or null when the turn only calls tools. */
    content: z.string().nullable(),
    /** The model's refusal, when it refused. */
    refusal: z.string().nullish(),
    /** Tools the model called. */
    tool_calls: z.array(toolCallSchema).nullish(),
    /** The model's reasoning (thinking) text, from providers that expose it. */
    reasoning_content: z.string().nullish(),
    /** Provider-only data about this message (e.g. thinking signatures). */
    provider_metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export const choiceSchema = z
  .object({
    /** The choice's position when `n` > 1. */
    index: z.number().int().nonnegative(),
    /** The generated message. */
    message: responseMessageSchema,
    /** Why generation stopped. */
    finish_reason: finishReasonSchema.nullable(),
    /** Log probabilities, when asked for. */
    logprobs: z.unknown().nullish(),
  })
  .loose();

export const chatResponseSchema = z
  .object({
    /** The completion's id. */
    id: z.string(),
    object: z.literal('chat.completion'),
    /** Unix seconds. */
    created: z.number().int(),
    /** The model that answered, as the provider named it. */
    model: z.string(),
    /** One or more choices. */
    choices: z.array(choiceSchema),
    /** Token usage. */
    usage: usageSchema.nullish(),
    /** Backend configuration fingerprint (OpenAI). */
    system_fingerprint: z.string().nullish(),
    /** Provider-only response data (grounding, safety ratings, raw finish reasons...). */
    provider_metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export type FinishReason = z.infer<typeof finishReasonSchema>;
export type ResponseMessage = z.infer<typeof responseMessageSchema>;
export type ChatChoice = z.infer<typeof choiceSchema>;
export type ChatResponse = z.infer<typeof chatResponseSchema>;
