import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Daily roll-ups per key, team and model group, maintained in the same transaction as the spend
 * rows so that dashboards never scan the logs. `''` stands for "no key" / "no team".
 */
export const spendDaily = sqliteTable(
  'spend_daily',
  {
    /** UTC day, `YYYY-MM-DD`. */
    day: text('day').notNull(),
    keyId: text('key_id').notNull(),
    teamId: text('team_id').notNull(),
    model: text('model').notNull(),
    requests: integer('requests').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    cacheHits: integer('cache_hits').notNull().default(0),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    costNanos: integer('cost_nanos').notNull().default(0),
    costSavedNanos: integer('cost_saved_nanos').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.keyId, table.teamId, table.model] })],
);

export type SpendDailyRow = typeof spendDaily.$inferSelect;
