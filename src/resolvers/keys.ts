import { GatewayError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type {
  CreateKeyInput,
  CreateTeamInput,
  UpdateKeyInput,
  UpdateTeamInput,
} from '../keys/key-inputs.js';
import type { KeyService } from '../keys/key-service.js';
import type { ApiKeyView, TeamView } from '../keys/key-views.js';
import { requireAdmin, requireKeyAccess } from './scope.js';

/**
 * Transport-free use cases for keys and teams: GraphQL and tRPC validate their input with the
 * schemas in src/keys/key-inputs.ts and call these with the caller's principal.
 */

export function me(keys: KeyService, principal: Principal): ApiKeyView | undefined {
  return principal.keyId === undefined ? undefined : keys.getKey(principal.keyId);
}

export function listKeys(
  keys: KeyService,
  input: { principal: Principal; teamId?: string | undefined },
): ApiKeyView[] {
  if (input.principal.kind === 'virtual_key') {
    const own = me(keys, input.principal);
    return own === undefined ? [] : [own];
  }
  return keys.listKeys({ teamId: input.teamId });
}

export function getKey(keys: KeyService, input: { principal: Principal; id: string }): ApiKeyView {
  requireKeyAccess(input.principal, input.id);
  const key = keys.getKey(input.id);
  if (key === undefined)
    throw new GatewayError('not_found', `No key with id "${input.id}"`, { param: 'id' });
  return key;
}

export function createKey(
  keys: KeyService,
  input: { principal: Principal; key: CreateKeyInput },
): { key: string; apiKey: ApiKeyView } {
  requireAdmin(input.principal);
  return keys.createKey(input.key);
}

export function updateKey(
  keys: KeyService,
  input: { principal: Principal; id: string; key: UpdateKeyInput },
): ApiKeyView {
  requireAdmin(input.principal);
  return keys.updateKey(input.id, input.key);
}

export function revokeKey(
  keys: KeyService,
  input: { principal: Principal; id: string },
): ApiKeyView {
  requireAdmin(input.principal);
  return keys.revokeKey(input.id);
}

/** A key may rotate itself (e.g. after a leak); the master key may rotate any. */
export function rotateKey(
  keys: KeyService,
  input: { principal: Principal; id: string },
): { key: string; apiKey: ApiKeyView } {
  requireKeyAccess(input.principal, input.id);
  return keys.rotateKey(input.id);
}

export function listTeams(keys: KeyService, principal: Principal): TeamView[] {
  if (principal.kind === 'virtual_key') {
    const own = principal.teamId === undefined ? undefined : keys.getTeam(principal.teamId);
    return own === undefined ? [] : [own];
  }
  return keys.listTeams();
}

export function createTeam(
  keys: KeyService,
  input: { principal: Principal; team: CreateTeamInput },
): TeamView {
  requireAdmin(input.principal);
  return keys.createTeam(input.team);
}

export function updateTeam(
  keys: KeyService,
  input: { principal: Principal; id: string; team: UpdateTeamInput },
): TeamView {
  requireAdmin(input.principal);
  return keys.updateTeam(input.id, input.team);
}

export function deleteTeam(
  keys: KeyService,
  input: { principal: Principal; id: string },
): TeamView {
  requireAdmin(input.principal);
  return keys.deleteTeam(input.id);
}
