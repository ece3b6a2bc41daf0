import type { Pipeline } from '../core/pipeline.js';
import type { ResponseCache } from './response-cache.js';

/**
 * Fills the pipeline's cacheLookup stage, for chat and for embeddings. Stores happen in the
 * router's call (CachingRouter), the only place that sees the answer (for a stream: its chunks);
 * accounting prices a hit at 0 (`ctx.cacheStatus`) and the lookup records the saved cost on the
 * context. Whether hits count for rate limits is the pipeline's stage order
 * (`cacheHitsCountForRateLimits`, from the same settings).
 */
export function installCache(pipeline: Pipeline, cache: ResponseCache): void {
  pipeline.use('cacheLookup', (ctx, request, gate) => cache.lookup(ctx, request, gate));
  pipeline.use('embeddingCacheLookup', (ctx, request) => cache.lookupEmbedding(ctx, request));
}
