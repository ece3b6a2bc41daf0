import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { teams } from './teams.js';

/** Virtual API keys. Only the SHA-256 of the secret is stored. Money is integer nano-USD. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    /** `key_<uuid>`: the public identifier used by the APIs. */
    id: text('id').primaryKey(),
    /** SHA-256 hex of the secret. */
    keyHash: text('key_hash').notNull(),
    /** A display form such as `sk-…a1b2`, never enough to use the key. */
    keyPrefix: text('key_prefix').notNull(),
    name: text('name'),
    teamId: text('team_id').references(() => teams.id, { onDelete: 'set null' }),
    /** JSON array of model groups the key may use; null = all (within its team's list). */
    models: text('models', { mode: 'json' }).$type<string[] | null>(),
    maxBudgetNanos: integer('max_budget_nanos'),
    budgetDuration: text('budget_duration'),
    /** Unix ms of the first reset after the budget was set; later resets follow every period. */
    budgetResetAt: integer('budget_reset_at'),
    softBudgetNanos: integer('soft_budget_nanos'),
    rpmLimit: integer('rpm_limit'),
    tpmLimit: integer('tpm_limit'),
    maxParallelRequests: integer('max_parallel_requests'),
    /** Unix ms after which the key is refused. */
    expiresAt: integer('expires_at'),
    /** Unix ms when it was revoked (or replaced by a rotation); revoked keys never authenticate. */
    revokedAt: integer('revoked_at'),
    blocked: integer('blocked', { mode: 'boolean' }).notNull().default(false),
    metadata: text('metadata', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    /** Lifetime spend in nano-USD, maintained with the spend rows (same transaction). */
    spendNanos: integer('spend_nanos').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (table) => [
    uniqueIndex('api_keys_key_hash_idx').on(table.keyHash),
    index('api_keys_team_idx').on(table.teamId),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;
