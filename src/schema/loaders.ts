import DataLoader from 'dataloader';
import type { Principal } from '../core/principal.js';
import type { KeyService } from '../keys/key-service.js';
import type { ApiKeyView, TeamView } from '../keys/key-views.js';
import { listKeys, listTeams } from '../resolvers/keys.js';

/**
 * Per-request DataLoaders. Resolving `team` on N keys, or `keys` on N teams, costs one SQL
 * statement per loader and request, not one per item. Every batch goes through src/resolvers,
 * so a virtual key's loaders only ever see what its scope allows.
 */
export interface Loaders {
  /** A team by id (null when it is gone or outside the caller's scope). */
  readonly team: DataLoader<string, TeamView | null>;
  /** The live keys of a team, as far as the caller may see them. */
  readonly keysByTeam: DataLoader<string, readonly ApiKeyView[]>;
}

export function createLoaders(keys: KeyService, principal: Principal): Loaders {
  return {
    team: new DataLoader<string, TeamView | null>((ids) => {
      const byId = new Map(listTeams(keys, principal).map((team) => [team.id, team]));
      return Promise.resolve(ids.map((id) => byId.get(id) ?? null));
    }),
    keysByTeam: new DataLoader<string, readonly ApiKeyView[]>((teamIds) => {
      // One team: a filtered query; several: one query for every key, grouped here.
      const only = teamIds.length === 1 ? teamIds[0] : undefined;
      const byTeam = new Map<string, ApiKeyView[]>();
      for (const key of listKeys(keys, { principal, teamId: only })) {
        if (key.teamId === null) continue;
        const list = byTeam.get(key.teamId) ?? [];
        list.push(key);
        byTeam.set(key.teamId, list);
      }
      return Promise.resolve(teamIds.map((id) => byTeam.get(id) ?? []));
    }),
  };
}
