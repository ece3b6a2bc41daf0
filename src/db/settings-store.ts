import { eq } from 'drizzle-orm';
import type { TollgateDb } from './client.js';
import { settings } from './schema/settings.js';

/** Known setting keys. */
export type SettingKey = 'master_key_hash';

export function readSetting(db: TollgateDb, key: SettingKey): string | undefined {
  return db.select().from(settings).where(eq(settings.key, key)).get()?.value;
}

export function writeSetting(db: TollgateDb, entry: { key: SettingKey; value: string }): void {
  const now = Date.now();
  db.insert(settings)
    .values({ key: entry.key, value: entry.value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: entry.value, updatedAt: now } })
    .run();
}
