import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One attempt of a request at one deployment, as stored in `spend_logs.attempts`. */
export interface StoredAttempt {
  readonly deploymentId: string;
  readonly provider: string;
  readonly modelGroup: string;
  readonly latencyMs: number;
  /** Null when the attempt succeeded. */
  readonly errorCode: string | null;
}

/**
 * Exactly one row per request (SPEC §6): successes, failures, cancelled streams and cache hits.
 * Written in batches off the request path. Money is integer nano-USD.
 */
export const spendLogs = sqliteTable(
  'spend_logs',
  {
    requestId: text('request_id').primaryKey(),
    /** null for the master key and in-process (library) calls. */
    keyId: text('key_id'),
    teamId: text('team_id'),
    /** `chat` or `embeddings`. */
    kind: text('kind').notNull(),
    /** The model group the client asked for. */
    requestedModel: text('requested_model').notNull(),
    /** The group that served it (differs after a fallback); null when nothing served it. */
    servedModel: text('served_model'),
    deploymentId: text('deployment_id'),
    provider: text('provider'),
    /** Every attempt, in order. */
    attempts: text('attempts', { mode: 'json' }).$type<StoredAttempt[]>().notNull(),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    cacheCreationTokens: integer('cache_creation_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    /** True when the token counts were estimated (a provider that reported none, a cancelled stream). */
    usageEstimated: integer('usage_estimated', { mode: 'boolean' }).notNull().default(false),
    costNanos: integer('cost_nanos').notNull().default(0),
    /** What a cache hit would have cost at the provider. */
    costSavedNanos: integer('cost_saved_nanos').notNull().default(0),
    latencyMs: real('latency_ms'),
    timeToFirstTokenMs: real('ttft_ms'),
    /** `hit`, `semantic-hit`, `miss`, or null when caching was not involved. */
    cacheStatus: text('cache_status'),
    streamed: integer('streamed', { mode: 'boolean' }).notNull().default(false),
    /** `success`, `error` or `cancelled`. */
    status: text('status').notNull(),
    httpStatus: integer('http_status'),
    errorLayer: text('error_layer'),
    errorCode: text('error_code'),
    /** Unix ms. */
    startTime: integer('start_time').notNull(),
    endTime: integer('end_time').notNull(),
    /** The request's `user` field. */
    endUser: text('end_user'),
    /** The request's `metadata` gateway field. */
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown> | null>(),
  },
  (table) => [
    index('spend_logs_start_idx').on(table.startTime),
    index('spend_logs_key_start_idx').on(table.keyId, table.startTime),
    index('spend_logs_team_start_idx').on(table.teamId, table.startTime),
    index('spend_logs_model_start_idx').on(table.servedModel, table.startTime),
  ],
);

export type SpendLogRow = typeof spendLogs.$inferSelect;
export type NewSpendLogRow = typeof spendLogs.$inferInsert;
