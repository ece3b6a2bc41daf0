import type { RequestContext } from '../core/request-context.js';
import type { NewSpendLogRow } from '../db/schema/spend-logs.js';
import { NANOS_PER_USD } from '../pricing/pricing.js';

/** The request's one spend row, from what the pipeline recorded on its context. */
export function toSpendRow(ctx: RequestContext, endTime: number): NewSpendLogRow {
  const usage = ctx.usage;
  const error = ctx.error;
  const principal = ctx.principal;
  return {
    requestId: ctx.requestId,
    keyId: principal?.keyId ?? null,
    teamId: principal?.teamId ?? null,
    kind: ctx.kind,
    requestedModel: ctx.requestedModel,
    servedModel: ctx.attempts.length > 0 ? (ctx.servedModelGroup ?? null) : null,
    deploymentId: ctx.deploymentId ?? null,
    provider: ctx.provider ?? null,
    attempts: ctx.attempts.map((attempt) => ({
      deploymentId: attempt.deploymentId,
      provider: attempt.provider,
      modelGroup: attempt.modelGroup,
      latencyMs: Math.round(attempt.latencyMs * 1000) / 1000,
      errorCode: attempt.errorCode ?? null,
    })),
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    cacheCreationTokens: usage?.prompt_tokens_details?.cache_creation_tokens ?? 0,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    usageEstimated: ctx.usageEstimated,
    costNanos: Math.round((ctx.costUsd ?? 0) * NANOS_PER_USD),
    costSavedNanos: Math.round((ctx.costSavedUsd ?? 0) * NANOS_PER_USD),
    latencyMs: ctx.latencyMs ?? null,
    timeToFirstTokenMs: ctx.streaming ? (ctx.timeToFirstTokenMs ?? null) : null,
    cacheStatus: ctx.cacheStatus ?? null,
    streamed: ctx.streaming,
    status: ctx.status === 'pending' ? 'error' : ctx.status,
    httpStatus: error === undefined ? 200 : error.status,
    errorLayer: error?.layer ?? null,
    errorCode: error?.code ?? null,
    startTime: ctx.startedAtEpochMs,
    endTime,
    endUser: ctx.endUser ?? null,
    metadata: ctx.metadata ?? null,
  };
}
