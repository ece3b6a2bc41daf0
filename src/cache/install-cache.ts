import type { Pipeline } from '../core/pipeline.js';
import type { ResponseCache } from './response-cache.js';

/**
 * Fills the pipeline's cacheLookup stage. Stores happen in the router's call (CachingRouter),
 * the only place that sees the answer; accounting prices a hit at 0 (`ctx.cacheStatus`) and the
 * lookup records the saved cost on the context.
 */
export function installCache(pipeline: Pipeline, cache: ResponseCache): void {
  pipeline.use('cacheLookup', (ctx, request) => cache.lookup(ctx, request));
}
