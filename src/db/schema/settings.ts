import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Gateway-wide settings, one row per key (e.g. the master key's hash). */
export const settings = sqliteTable('settings', {
  /** Setting name, e.g. `master_key_hash`. */
  key: text('key').primaryKey(),
  /** Setting value; never a plaintext secret. */
  value: text('value').notNull(),
  /** Unix milliseconds of the last write. */
  updatedAt: integer('updated_at').notNull(),
});

export type SettingRow = typeof settings.$inferSelect;
