import { z } from 'zod';
import { finishReasonSchema } from './chat-response.js';
import { usageSchema } from './usage.js';

export const toolCallDeltaSchema = z
  .object({
    /** Which tool call of the turn this delta extends; stable across its deltas. */
    index: z.number().int().nonnegative(),
    /** Sent with the first delta of a call. */
    id: z.string().nullish(),
    type: z.literal('function').nullish(),
    function: z
      .object({
        /** Sent with the first delta of a call. */
        name: z.string().nullish(),
        /** A fragment of the JSON arguments; fragments concatenate to valid JSON. */
        arguments: z.string().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

export const deltaSchema = z
  .object({
    role: z.literal('assistant').nullish(),
    /** A fragment of the answer text. */
    content: z.string().nullish(),
    /** A fragment of a refusal. */
    refusal: z.string().nullish(),
    /** Fragments of tool calls. */
    tool_calls: z.array(toolCallDeltaSchema).nullish(),
    /** A fragment of the model's reasoning. */
    reasoning_content: z.string().nullish(),
    /** Provider-only data carried by this chunk (e.g. a thinking signature). */
    provider_metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export const chunkChoiceSchema = z
  .object({
    index: z.number().int().nonnegative(),
    delta: deltaSchema,
    finish_reason: finishReasonSchema.nullish(),
    logprobs: z.unknown().nullish(),
  })
  .loose();

export const chatChunkSchema = z
  .object({
    /** Same id on every chunk of one completion. */
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    /** Unix seconds. */
    created: z.number().int(),
    /** The model that answered. */
    model: z.string(),
    /** Empty on the final usage chunk. */
    choices: z.array(chunkChoiceSchema),
    /** Present on the final chunk only. */
    usage: usageSchema.nullish(),
    system_fingerprint: z.string().nullish(),
    /** Provider-only data (grounding, safety ratings...) carried by this chunk. */
    provider_metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export type ToolCallDelta = z.infer<typeof toolCallDeltaSchema>;
export type ChatDelta = z.infer<typeof deltaSchema>;
export type ChatChunkChoice = z.infer<typeof chunkChoiceSchema>;
export type ChatChunk = z.infer<typeof chatChunkSchema>;
