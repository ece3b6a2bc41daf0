import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Teams group keys under a shared budget, limits and model list. Money is integer nano-USD. */
export const teams = sqliteTable('teams', {
  /** `team_<uuid>`. */
  id: text('id').primaryKey(),
  /** Display name. */
  name: text('name').notNull(),
  /** JSON array of model groups the team's keys may use; null = all. */
  models: text('models', { mode: 'json' }).$type<string[] | null>(),
  /** Budget per period in nano-USD; null = unlimited. */
  maxBudgetNanos: integer('max_budget_nanos'),
  /** Budget period: `30s`, `1h`, `1d`, `7d`, `30d`; null = the budget never resets. */
  budgetDuration: text('budget_duration'),
  /** Unix ms of the first reset after the budget was set; later resets follow every period. */
  budgetResetAt: integer('budget_reset_at'),
  /** Alert threshold in nano-USD (soft budget). */
  softBudgetNanos: integer('soft_budget_nanos'),
  rpmLimit: integer('rpm_limit'),
  tpmLimit: integer('tpm_limit'),
  maxParallelRequests: integer('max_parallel_requests'),
  /** A blocked team's keys are refused. */
  blocked: integer('blocked', { mode: 'boolean' }).notNull().default(false),
  metadata: text('metadata', { mode: 'json' })
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'`),
  /** Lifetime spend in nano-USD, maintained with the spend rows (same transaction). */
  spendNanos: integer('spend_nanos').notNull().default(0),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type TeamRow = typeof teams.$inferSelect;
export type NewTeamRow = typeof teams.$inferInsert;
