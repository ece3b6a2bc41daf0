import { sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { prepareRaw, type TollgateDb } from '../db/client.js';
import { apiKeys } from '../db/schema/api-keys.js';
import { spendDaily } from '../db/schema/spend-daily.js';
import type { NewSpendLogRow } from '../db/schema/spend-logs.js';
import { teams } from '../db/schema/teams.js';

/** The batch's statements, prepared once per connection: building SQL per call costs 5× the write. */
function prepareStatements(db: TollgateDb) {
  const add = (column: AnySQLiteColumn, name: string) => sql`${column} + ${sql.placeholder(name)}`;
  return {
    insertRow: prepareRaw(
      db,
      `insert into spend_logs (${INSERT_COLUMNS.map(([column]) => `"${column}"`).join(', ')}) ` +
        `values (${INSERT_COLUMNS.map(() => '?').join(', ')}) on conflict do nothing`,
    ),
    upsertDaily: db
      .insert(spendDaily)
      .values({
        day: sql.placeholder('day'),
        keyId: sql.placeholder('keyId'),
        teamId: sql.placeholder('teamId'),
        model: sql.placeholder('model'),
        requests: sql.placeholder('requests'),
        errors: sql.placeholder('errors'),
        cacheHits: sql.placeholder('cacheHits'),
        promptTokens: sql.placeholder('promptTokens'),
        completionTokens: sql.placeholder('completionTokens'),
        costNanos: sql.placeholder('costNanos'),
        costSavedNanos: sql.placeholder('costSavedNanos'),
      } as unknown as typeof spendDaily.$inferInsert)
      .onConflictDoUpdate({
        target: [spendDaily.day, spendDaily.keyId, spendDaily.teamId, spendDaily.model],
        set: {
          requests: add(spendDaily.requests, 'requests'),
          errors: add(spendDaily.errors, 'errors'),
          cacheHits: add(spendDaily.cacheHits, 'cacheHits'),
          promptTokens: add(spendDaily.promptTokens, 'promptTokens'),
          completionTokens: add(spendDaily.completionTokens, 'completionTokens'),
          costNanos: add(spendDaily.costNanos, 'costNanos'),
          costSavedNanos: add(spendDaily.costSavedNanos, 'costSavedNanos'),
        },
      })
      .prepare(),
    updateKey: db
      .update(apiKeys)
      .set({
        spendNanos: sql`${apiKeys.spendNanos} + ${sql.placeholder('cost')}`,
        lastUsedAt: sql`max(coalesce(${apiKeys.lastUsedAt}, 0), ${sql.placeholder('lastUsed')})`,
      })
      .where(sql`${apiKeys.id} = ${sql.placeholder('id')}`)
      .prepare(),
    updateTeam: db
      .update(teams)
      .set({ spendNanos: sql`${teams.spendNanos} + ${sql.placeholder('cost')}` })
      .where(sql`${teams.id} = ${sql.placeholder('id')}`)
      .prepare(),
  };
}

type Statements = ReturnType<typeof prepareStatements>;
const preparedStatements = new WeakMap<TollgateDb, Statements>();

type Row = NewSpendLogRow;

/**
 * spend_logs columns with the driver value of each (booleans as 0/1, JSON as text, absent as the
 * schema default): the raw insert's positional parameters, in this order.
 */
const INSERT_COLUMNS: ReadonlyArray<readonly [string, (row: Row) => unknown]> = [
  ['request_id', (row) => row.requestId],
  ['key_id', (row) => row.keyId ?? null],
  ['team_id', (row) => row.teamId ?? null],
  ['kind', (row) => row.kind],
  ['requested_model', (row) => row.requestedModel],
  ['served_model', (row) => row.servedModel ?? null],
  ['deployment_id', (row) => row.deploymentId ?? null],
  ['provider', (row) => row.provider ?? null],
  ['attempts', (row) => JSON.stringify(row.attempts)],
  ['prompt_tokens', (row) => row.promptTokens ?? 0],
  ['completion_tokens', (row) => row.completionTokens ?? 0],
  ['cached_tokens', (row) => row.cachedTokens ?? 0],
  ['cache_creation_tokens', (row) => row.cacheCreationTokens ?? 0],
  ['reasoning_tokens', (row) => row.reasoningTokens ?? 0],
  ['usage_estimated', (row) => (row.usageEstimated === true ? 1 : 0)],
  ['cost_nanos', (row) => row.costNanos ?? 0],
  ['cost_saved_nanos', (row) => row.costSavedNanos ?? 0],
  ['latency_ms', (row) => row.latencyMs ?? null],
  ['ttft_ms', (row) => row.timeToFirstTokenMs ?? null],
  ['cache_status', (row) => row.cacheStatus ?? null],
  ['streamed', (row) => (row.streamed === true ? 1 : 0)],
  ['status', (row) => row.status],
  ['http_status', (row) => row.httpStatus ?? null],
  ['error_layer', (row) => row.errorLayer ?? null],
  ['error_code', (row) => row.errorCode ?? null],
  ['start_time', (row) => row.startTime],
  ['end_time', (row) => row.endTime],
  ['end_user', (row) => row.endUser ?? null],
  ['metadata', (row) => (row.metadata == null ? null : JSON.stringify(row.metadata))],
];

function insertParameters(row: Row): unknown[] {
  return INSERT_COLUMNS.map(([, value]) => value(row));
}

function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

interface Totals {
  requests: number;
  errors: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  costNanos: number;
  costSavedNanos: number;
}

/**
 * Writes a batch of spend rows in ONE transaction, with the daily roll-ups and the keys' and
 * teams' lifetime spend and last use, so that after any crash the counters equal the rows.
 * A row already written (same request id, e.g. a batch retried after an error) is skipped, and
 * so are its counter updates: exactly once.
 */
export function writeSpendBatch(db: TollgateDb, rows: readonly NewSpendLogRow[]): number {
  if (rows.length === 0) return 0;
  let prepared = preparedStatements.get(db);
  if (prepared === undefined) {
    prepared = prepareStatements(db);
    preparedStatements.set(db, prepared);
  }
  const statements = prepared;
  return db.transaction(() => {
    const daily = new Map<string, { key: [string, string, string, string]; totals: Totals }>();
    const keySpend = new Map<string, { cost: number; lastUsed: number }>();
    const teamSpend = new Map<string, number>();
    let written = 0;
    for (const row of rows) {
      // A request id already written (a retried batch) changes nothing: exactly once.
      if (statements.insertRow.run(insertParameters(row)) === 0) continue;
      written += 1;
      const cost = row.costNanos ?? 0;
      const dayKey: [string, string, string, string] = [
        utcDay(row.startTime),
        row.keyId ?? '',
        row.teamId ?? '',
        row.servedModel ?? row.requestedModel,
      ];
      const id = dayKey.join('\u0000');
      const entry = daily.get(id) ?? {
        key: dayKey,
        totals: {
          requests: 0,
          errors: 0,
          cacheHits: 0,
          promptTokens: 0,
          completionTokens: 0,
          costNanos: 0,
          costSavedNanos: 0,
        },
      };
      const totals = entry.totals;
      totals.requests += 1;
      if (row.status !== 'success') totals.errors += 1;
      if (row.cacheStatus === 'hit' || row.cacheStatus === 'semantic-hit') totals.cacheHits += 1;
      totals.promptTokens += row.promptTokens ?? 0;
      totals.completionTokens += row.completionTokens ?? 0;
      totals.costNanos += cost;
      totals.costSavedNanos += row.costSavedNanos ?? 0;
      daily.set(id, entry);
      if (row.keyId) {
        const key = keySpend.get(row.keyId) ?? { cost: 0, lastUsed: 0 };
        key.cost += cost;
        key.lastUsed = Math.max(key.lastUsed, row.endTime);
        keySpend.set(row.keyId, key);
      }
      if (row.teamId) teamSpend.set(row.teamId, (teamSpend.get(row.teamId) ?? 0) + cost);
    }
    for (const { key, totals } of daily.values()) {
      const [day, keyId, teamId, model] = key;
      statements.upsertDaily.run({ day, keyId, teamId, model, ...totals });
    }
    for (const [id, { cost, lastUsed }] of keySpend)
      statements.updateKey.run({ id, cost, lastUsed });
    for (const [id, cost] of teamSpend) statements.updateTeam.run({ id, cost });
    return written;
  });
}
