import { createHash } from 'node:crypto';

/**
 * Gateway keys are high-entropy random strings, so a SHA-256 digest is a safe at-rest form
 * (no need for a slow password hash) and cheap enough to compute on every request.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
