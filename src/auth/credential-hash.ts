import { timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../core/request-context.js';
import { hashKey } from './key-hash.js';

const CREDENTIAL_HASH = Symbol('credentialHash');

/**
 * SHA-256 hex of the request's presented key, computed once per request: the master-key check
 * and the virtual-key lookup both need it, and hashing is most of what authentication costs.
 * Undefined when the request presented no key.
 */
export function credentialHash(ctx: RequestContext): string | undefined {
  if (ctx.credential === undefined) return undefined;
  let hash = ctx.state.get(CREDENTIAL_HASH) as string | undefined;
  if (hash === undefined) {
    hash = hashKey(ctx.credential);
    ctx.state.set(CREDENTIAL_HASH, hash);
  }
  return hash;
}

/** Constant-time check of a presented key's hash (hex) against a stored one. */
export function matchesStoredHash(presentedHash: string | undefined, storedHash: Buffer): boolean {
  if (presentedHash === undefined) return false;
  const presented = Buffer.from(presentedHash, 'hex');
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}
