import { isNull } from 'drizzle-orm';
import type { TollgateDb } from '../db/client.js';
import { apiKeys, type ApiKeyRow } from '../db/schema/api-keys.js';
import { teams, type TeamRow } from '../db/schema/teams.js';

/**
 * Every live key by hash and every team by id, in memory, so that authentication is one Map
 * lookup and never a database query. The key service updates it on every change it makes (this
 * instance is the only writer until scale-out adds Redis invalidation).
 */
export class KeyDirectory {
  private readonly byHash = new Map<string, ApiKeyRow>();
  private readonly byId = new Map<string, ApiKeyRow>();
  private readonly teamsById = new Map<string, TeamRow>();

  static load(db: TollgateDb): KeyDirectory {
    const directory = new KeyDirectory();
    for (const team of db.select().from(teams).all()) directory.putTeam(team);
    for (const key of db.select().from(apiKeys).where(isNull(apiKeys.revokedAt)).all())
      directory.putKey(key);
    return directory;
  }

  keyByHash(hash: string): ApiKeyRow | undefined {
    return this.byHash.get(hash);
  }

  keyById(id: string): ApiKeyRow | undefined {
    return this.byId.get(id);
  }

  team(id: string | null | undefined): TeamRow | undefined {
    return id === null || id === undefined ? undefined : this.teamsById.get(id);
  }

  keys(): IterableIterator<ApiKeyRow> {
    return this.byId.values();
  }

  teams(): IterableIterator<TeamRow> {
    return this.teamsById.values();
  }

  /** Adds or replaces a key; a revoked key is removed instead. */
  putKey(key: ApiKeyRow): void {
    const previous = this.byId.get(key.id);
    if (previous !== undefined) this.byHash.delete(previous.keyHash);
    if (key.revokedAt !== null) {
      this.byId.delete(key.id);
      return;
    }
    this.byId.set(key.id, key);
    this.byHash.set(key.keyHash, key);
  }

  putTeam(team: TeamRow): void {
    this.teamsById.set(team.id, team);
  }

  removeTeam(id: string): void {
    this.teamsById.delete(id);
    for (const key of this.byId.values()) {
      if (key.teamId === id) this.putKey({ ...key, teamId: null });
    }
  }
}
