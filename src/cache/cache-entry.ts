import { z } from 'zod';
import { chatResponseSchema, type ChatResponse } from '../core/chat-response.js';

/** What the cache stores for one answer. */
const cacheEntrySchema = z.object({
  /** The answer as the provider gave it. */
  response: chatResponseSchema,
  /** The deployment that produced it: a hit's saved cost is priced with it. */
  deploymentId: z.string().nullish(),
  /** Epoch ms, for `s-maxage`. */
  storedAt: z.number(),
});

export type CacheEntry = z.infer<typeof cacheEntrySchema>;

export function encodeEntry(entry: CacheEntry): string {
  return JSON.stringify(entry);
}

/** Parses a stored value; a value that is not an entry (another version, corruption) is a miss. */
export function decodeEntry(value: string): CacheEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
  const parsed = cacheEntrySchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** The router's result for a non-streaming chat: what the cache may store. */
export function isChatResponse(value: unknown): value is ChatResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { object?: unknown }).object === 'chat.completion'
  );
}
