import { randomBytes, randomUUID } from 'node:crypto';

/** A new virtual key secret: `sk-` and 32 bytes of randomness (base64url). */
export function generateKeySecret(): string {
  return `sk-${randomBytes(32).toString('base64url')}`;
}

/** What is shown instead of the secret: `sk-…a1b2`. */
export function displayPrefix(secret: string): string {
  return `sk-…${secret.slice(-4)}`;
}

export function newKeyId(): string {
  return `key_${randomUUID()}`;
}

export function newTeamId(): string {
  return `team_${randomUUID()}`;
}
