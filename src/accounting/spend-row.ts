import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { RequestContext } from '../core/request-context.js';
import { spendLogs, type StoredAttempt } from '../db/schema/spend-logs.js';
import { NANOS_PER_USD } from '../pricing/pricing.js';

/**
 * One spend row as the driver values of the insert's positional parameters, in
 * {@link SPEND_ROW} order: booleans as 0/1, JSON columns as text. Rows cross to the
 * writer thread in this form because a flat array of primitives is several times cheaper to
 * structured-clone (and to keep until its batch is committed) than an object with 29 named
 * properties and a nested attempts array, and the writer binds it as it is.
 */
export type SpendRow = readonly [
  requestId: string,
  keyId: string | null,
  teamId: string | null,
  kind: string,
  requestedModel: string,
  servedModel: string | null,
  deploymentId: string | null,
  provider: string | null,
  /** JSON of the {@link StoredAttempt} array. */
  attemptsJson: string,
  promptTokens: number,
  completionTokens: number,
  cachedTokens: number,
  cacheCreationTokens: number,
  reasoningTokens: number,
  usageEstimated: 0 | 1,
  costNanos: number,
  costSavedNanos: number,
  latencyMs: number | null,
  timeToFirstTokenMs: number | null,
  cacheStatus: string | null,
  streamed: 0 | 1,
  status: string,
  httpStatus: number | null,
  errorLayer: string | null,
  errorCode: string | null,
  startTime: number,
  endTime: number,
  endUser: string | null,
  /** JSON of the request's metadata, or null. */
  metadataJson: string | null,
];

/** The position in a {@link SpendRow} of each `spend_logs` column, by its schema name. */
export const SPEND_ROW = {
  requestId: 0,
  keyId: 1,
  teamId: 2,
  kind: 3,
  requestedModel: 4,
  servedModel: 5,
  deploymentId: 6,
  provider: 7,
  attempts: 8,
  promptTokens: 9,
  completionTokens: 10,
  cachedTokens: 11,
  cacheCreationTokens: 12,
  reasoningTokens: 13,
  usageEstimated: 14,
  costNanos: 15,
  costSavedNanos: 16,
  latencyMs: 17,
  timeToFirstTokenMs: 18,
  cacheStatus: 19,
  streamed: 20,
  status: 21,
  httpStatus: 22,
  errorLayer: 23,
  errorCode: 24,
  startTime: 25,
  endTime: 26,
  endUser: 27,
  metadata: 28,
} as const satisfies { readonly [Name in keyof typeof spendLogs.$inferSelect]: number };

/** The `spend_logs` columns a {@link SpendRow} fills, position by position. */
export const SPEND_ROW_COLUMNS: readonly AnySQLiteColumn[] = (
  Object.keys(SPEND_ROW) as Array<keyof typeof SPEND_ROW>
)
  .sort((a, b) => SPEND_ROW[a] - SPEND_ROW[b])
  .map((name) => spendLogs[name]);

/** A spend row's values by column name (for tests and diagnostics; the writer uses positions). */
export type SpendRowFields = {
  -readonly [Name in keyof typeof SPEND_ROW]: SpendRow[(typeof SPEND_ROW)[Name]];
};

export function spendRowFields(row: SpendRow): SpendRowFields {
  const fields: Record<string, unknown> = {};
  for (const [name, position] of Object.entries(SPEND_ROW)) fields[name] = row[position];
  return fields as SpendRowFields;
}

function storedAttempts(ctx: RequestContext): StoredAttempt[] {
  return ctx.attempts.map((attempt) => ({
    deploymentId: attempt.deploymentId,
    provider: attempt.provider,
    modelGroup: attempt.modelGroup,
    latencyMs: Math.round(attempt.latencyMs * 1000) / 1000,
    errorCode: attempt.errorCode ?? null,
  }));
}

/** The request's one spend row, from what the pipeline recorded on its context. */
export function toSpendRow(ctx: RequestContext, endTime: number): SpendRow {
  const usage = ctx.usage;
  const error = ctx.error;
  const principal = ctx.principal;
  return [
    ctx.requestId,
    principal?.keyId ?? null,
    principal?.teamId ?? null,
    ctx.kind,
    ctx.requestedModel,
    ctx.attempts.length > 0 ? (ctx.servedModelGroup ?? null) : null,
    ctx.deploymentId ?? null,
    ctx.provider ?? null,
    JSON.stringify(storedAttempts(ctx)),
    usage?.prompt_tokens ?? 0,
    usage?.completion_tokens ?? 0,
    usage?.prompt_tokens_details?.cached_tokens ?? 0,
    usage?.prompt_tokens_details?.cache_creation_tokens ?? 0,
    usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    ctx.usageEstimated ? 1 : 0,
    Math.round((ctx.costUsd ?? 0) * NANOS_PER_USD),
    Math.round((ctx.costSavedUsd ?? 0) * NANOS_PER_USD),
    ctx.latencyMs ?? null,
    ctx.streaming ? (ctx.timeToFirstTokenMs ?? null) : null,
    ctx.cacheStatus ?? null,
    ctx.streaming ? 1 : 0,
    ctx.status === 'pending' ? 'error' : ctx.status,
    error === undefined ? 200 : error.status,
    error?.layer ?? null,
    error?.code ?? null,
    ctx.startedAtEpochMs,
    endTime,
    ctx.endUser ?? null,
    ctx.metadata == null ? null : JSON.stringify(ctx.metadata),
  ];
}
