import { z } from 'zod';
import { chatResponseSchema, type ChatResponse } from '../core/chat-response.js';
import { embeddingResponseSchema, type EmbeddingResponse } from '../core/embeddings.js';

/** What the cache stores with every answer, whatever its call type. */
const entryFields = {
  /** The deployment that produced it: a hit's saved cost is priced with it. */
  deploymentId: z.string().nullish(),
  /** Epoch ms, for `s-maxage`. */
  storedAt: z.number(),
};

/** What the cache stores for one chat answer (JSON or a completed stream). */
const cacheEntrySchema = z.object({
  /** The answer as the provider gave it. */
  response: chatResponseSchema,
  ...entryFields,
});

/** What the cache stores for one embeddings answer (float vectors; the transport encodes). */
const embeddingEntrySchema = z.object({
  response: embeddingResponseSchema,
  ...entryFields,
});

export type CacheEntry = z.infer<typeof cacheEntrySchema>;
export type EmbeddingCacheEntry = z.infer<typeof embeddingEntrySchema>;

export function encodeEntry(entry: CacheEntry | EmbeddingCacheEntry): string {
  return JSON.stringify(entry);
}

/** Parses a stored value; a value that is not an entry (another version, corruption) is a miss. */
export function decodeEntry(value: string): CacheEntry | undefined {
  const parsed = cacheEntrySchema.safeParse(parseJson(value));
  return parsed.success ? parsed.data : undefined;
}

/** Parses a stored embeddings answer; anything else is a miss. */
export function decodeEmbeddingEntry(value: string): EmbeddingCacheEntry | undefined {
  const parsed = embeddingEntrySchema.safeParse(parseJson(value));
  return parsed.success ? parsed.data : undefined;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** The router's result for a non-streaming chat: what the cache may store. */
export function isChatResponse(value: unknown): value is ChatResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { object?: unknown }).object === 'chat.completion'
  );
}

/** The router's result for an embeddings request. */
export function isEmbeddingResponse(value: unknown): value is EmbeddingResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { object?: unknown }).object === 'list' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}
