import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Gateway keys are high-entropy random strings, so a SHA-256 digest is a safe at-rest form
 * (no need for a slow password hash) and cheap enough to compute on every request.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key with a stored hash. */
export function keyMatchesHash(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
