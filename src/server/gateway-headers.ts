import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../core/request-context.js';
import { cacheSimilarityOf } from '../cache/response-cache.js';

/** The `x-tollgate-*` response headers (SPEC §3) for what the pipeline learned so far. */
export function gatewayHeaders(ctx: RequestContext): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-tollgate-request-id': ctx.requestId,
    'x-tollgate-overhead-ms': ctx.overheadMs().toFixed(3),
  };
  if (ctx.servedModelGroup !== undefined) headers['x-tollgate-model-group'] = ctx.servedModelGroup;
  else if (ctx.requestedModel !== '') headers['x-tollgate-model-group'] = ctx.requestedModel;
  if (ctx.deploymentId !== undefined) headers['x-tollgate-deployment'] = ctx.deploymentId;
  if (ctx.provider !== undefined) headers['x-tollgate-provider'] = ctx.provider;
  if (ctx.attempts.length > 0) headers['x-tollgate-attempts'] = String(ctx.attempts.length);
  // On every response (issue 7): `miss` also when no cache took part (none configured, a call
  // type or mode it does not cover, `no-cache` with `no-store`): the answer is not from a cache.
  headers['x-tollgate-cache'] = ctx.cacheStatus ?? 'miss';
  const similarity = cacheSimilarityOf(ctx);
  if (similarity !== undefined) headers['x-tollgate-cache-similarity'] = similarity.toFixed(4);
  if (ctx.costUsd !== undefined && !ctx.streaming)
    headers['x-tollgate-cost'] = ctx.costUsd.toFixed(10);
  const remaining = ctx.rateLimitRemaining;
  if (remaining?.requests !== undefined)
    headers['x-ratelimit-remaining-requests'] = String(remaining.requests);
  if (remaining?.tokens !== undefined)
    headers['x-ratelimit-remaining-tokens'] = String(remaining.tokens);
  if (ctx.warnings.length > 0) {
    // Header values must be single-line latin1; warnings are ours, but be strict anyway.
    headers['x-tollgate-warnings'] = ctx.warnings
      .map((w) => w.replace(/[^\x20-\x7e]/g, '?'))
      .join('; ');
  }
  return headers;
}
