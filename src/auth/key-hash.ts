import { hash } from 'node:crypto';

/**
 * Gateway keys are high-entropy random strings, so a SHA-256 digest is a safe at-rest form
 * (no need for a slow password hash) and cheap enough to compute on every request. One-shot
 * `crypto.hash`: `createHash` makes a native Hash object with a weak handle per call, which
 * costs more in GC than the digest itself.
 */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}
