import { randomBytes } from 'node:crypto';
import type { TollgateDb } from '../db/client.js';
import { readSetting, writeSetting } from '../db/settings-store.js';
import { hashKey } from './key-hash.js';

export interface MasterKeyState {
  /** SHA-256 hex of the master key, or undefined when none exists (library mode). */
  readonly hash: string | undefined;
  /** The plaintext key, only when it was generated just now: print it once, then forget it. */
  readonly generated: string | undefined;
}

/** A new admin key: `sk-` prefix and 32 bytes of randomness. */
export function generateMasterKey(): string {
  return `sk-tollgate-${randomBytes(32).toString('base64url')}`;
}

/**
 * The master key comes from configuration (`general_settings.master_key`,
 * TOLLGATE_MASTER_KEY) when set, and its hash is stored; otherwise the stored hash is used; with
 * neither, a key is generated (when `generate` is set), stored hashed and returned once.
 */
export function resolveMasterKey(
  db: TollgateDb,
  options: { configured: string | undefined; generate: boolean },
): MasterKeyState {
  if (options.configured !== undefined && options.configured !== '') {
    const hash = hashKey(options.configured);
    if (readSetting(db, 'master_key_hash') !== hash)
      writeSetting(db, { key: 'master_key_hash', value: hash });
    return { hash, generated: undefined };
  }
  const stored = readSetting(db, 'master_key_hash');
  if (stored !== undefined) return { hash: stored, generated: undefined };
  if (!options.generate) return { hash: undefined, generated: undefined };
  const key = generateMasterKey();
  const hash = hashKey(key);
  writeSetting(db, { key: 'master_key_hash', value: hash });
  return { hash, generated: key };
}
