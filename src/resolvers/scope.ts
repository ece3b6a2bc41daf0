import { GatewayError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';

/** Admin operations (other keys, teams, everyone's spend) need the master key or library access. */
export function requireAdmin(principal: Principal): void {
  if (principal.kind === 'virtual_key') {
    throw new GatewayError('forbidden', 'This operation needs the master key');
  }
}

/** A virtual key may only see itself; the master key sees every key. */
export function requireKeyAccess(principal: Principal, keyId: string): void {
  if (principal.kind === 'virtual_key' && principal.keyId !== keyId) {
    // Same answer as for a key that does not exist: a key cannot probe for others.
    throw new GatewayError('not_found', `No key with id "${keyId}"`, { param: 'id' });
  }
}
