import { sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { prepareRaw, type TollgateDb } from '../db/client.js';
import { apiKeys } from '../db/schema/api-keys.js';
import { spendDaily } from '../db/schema/spend-daily.js';
import { teams } from '../db/schema/teams.js';
import { SPEND_ROW, SPEND_ROW_COLUMNS, type SpendRow } from './spend-row.js';

/** The batch's statements, prepared once per connection: building SQL per call costs 5× the write. */
function prepareStatements(db: TollgateDb) {
  const add = (column: AnySQLiteColumn, name: string) => sql`${column} + ${sql.placeholder(name)}`;
  return {
    insertRow: prepareRaw(
      db,
      `insert into spend_logs (${SPEND_ROW_COLUMNS.map((column) => `"${column.name}"`).join(', ')}) ` +
        `values (${SPEND_ROW_COLUMNS.map(() => '?').join(', ')}) on conflict do nothing`,
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

const DAY_MS = 86_400_000;
/** The last day formatted: nearly every row of a batch starts on the same UTC day. */
let lastDayNumber = Number.NaN;
let lastDay = '';

function utcDay(epochMs: number): string {
  const dayNumber = Math.floor(epochMs / DAY_MS);
  if (dayNumber !== lastDayNumber) {
    lastDay = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    lastDayNumber = dayNumber;
  }
  return lastDay;
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
export function writeSpendBatch(db: TollgateDb, rows: readonly SpendRow[]): number {
  if (rows.length === 0) return 0;
  let prepared = preparedStatements.get(db);
  if (prepared === undefined) {
    prepared = prepareStatements(db);
    preparedStatements.set(db, prepared);
  }
  const statements = prepared;
  return db.transaction(() => {
    const daily = new Map<
      string,
      { key: readonly [string, string, string, string]; totals: Totals }
    >();
    const keySpend = new Map<string, { cost: number; lastUsed: number }>();
    const teamSpend = new Map<string, number>();
    let written = 0;
    for (const row of rows) {
      // A request id already written (a retried batch) changes nothing: exactly once.
      if (statements.insertRow.run(row) === 0) continue;
      written += 1;
      const keyId = row[SPEND_ROW.keyId];
      const teamId = row[SPEND_ROW.teamId];
      const cost = row[SPEND_ROW.costNanos];
      const cacheStatus = row[SPEND_ROW.cacheStatus];
      const day = utcDay(row[SPEND_ROW.startTime]);
      const model = row[SPEND_ROW.servedModel] ?? row[SPEND_ROW.requestedModel];
      const id = `${day}\u0000${keyId ?? ''}\u0000${teamId ?? ''}\u0000${model}`;
      const entry = daily.get(id) ?? {
        key: [day, keyId ?? '', teamId ?? '', model] as const,
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
      if (row[SPEND_ROW.status] !== 'success') totals.errors += 1;
      if (cacheStatus === 'hit' || cacheStatus === 'semantic-hit') totals.cacheHits += 1;
      totals.promptTokens += row[SPEND_ROW.promptTokens];
      totals.completionTokens += row[SPEND_ROW.completionTokens];
      totals.costNanos += cost;
      totals.costSavedNanos += row[SPEND_ROW.costSavedNanos];
      daily.set(id, entry);
      if (keyId) {
        const key = keySpend.get(keyId) ?? { cost: 0, lastUsed: 0 };
        key.cost += cost;
        key.lastUsed = Math.max(key.lastUsed, row[SPEND_ROW.endTime]);
        keySpend.set(keyId, key);
      }
      if (teamId) teamSpend.set(teamId, (teamSpend.get(teamId) ?? 0) + cost);
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
