import { z } from 'zod';
import { chatRequestSchema } from '../core/chat-request.js';
import { embeddingRequestSchema } from '../core/embeddings.js';
import { spendFilterSchema, spendGroupBySchema } from '../resolvers/spend.js';

/**
 * tRPC inputs. They reuse the schemas every transport shares (the core's chat and embedding
 * requests, src/keys/key-inputs.ts, the spend filters) and only add what is tRPC's own.
 */

/** `completions.create`: a chat request; streaming has its own procedure. */
export const completionCreateInputSchema = chatRequestSchema.extend({
  stream: z.literal(false).nullish(),
});

/** `completions.stream`: a chat request, plus the id tRPC's SSE client sends when it reconnects. */
export const completionStreamInputSchema = chatRequestSchema.extend({
  stream: z.literal(true).nullish(),
  /**
   * Set by tRPC's SSE link (and from the `Last-Event-ID` header) when a subscription reconnects
   * after a tracked event; never set it yourself. A stream opened with one is refused.
   */
  lastEventId: z.string().nullish(),
});

/** `embeddings.create`: vectors come back as JSON numbers, so only `float` is offered. */
export const embeddingCreateInputSchema = embeddingRequestSchema.extend({
  encoding_format: z.literal('float').nullish(),
});

export const idInputSchema = z.object({ id: z.string().min(1) });

export const spendSummaryInputSchema = z.object({
  filter: spendFilterSchema.nullish(),
  groupBy: spendGroupBySchema,
});

export const spendLogsInputSchema = z.object({
  filter: spendFilterSchema.nullish(),
  /** Page size, 1 to 500. */
  first: z.number().int().min(1).max(500).default(50),
  /** The `endCursor` of the previous page. */
  after: z.string().nullish(),
});

export type CompletionCreateInput = z.infer<typeof completionCreateInputSchema>;
export type CompletionStreamInput = z.infer<typeof completionStreamInputSchema>;
export type EmbeddingCreateInput = z.infer<typeof embeddingCreateInputSchema>;
