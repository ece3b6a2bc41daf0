import { and, eq, gte, sql } from 'drizzle-orm';
import { hashKey } from '../auth/key-hash.js';
import type { BudgetLedger, BudgetSettings } from '../accounting/budget-ledger.js';
import { parseBudgetDuration } from '../accounting/budget-duration.js';
import { GatewayError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { TollgateDb } from '../db/client.js';
import { apiKeys, type ApiKeyRow } from '../db/schema/api-keys.js';
import { spendLogs } from '../db/schema/spend-logs.js';
import { teams, type TeamRow } from '../db/schema/teams.js';
import { NANOS_PER_USD } from '../pricing/pricing.js';
import { KeyDirectory } from './key-directory.js';
import {
  toEpochMs,
  type CreateKeyInput,
  type CreateTeamInput,
  type UpdateKeyInput,
  type UpdateTeamInput,
} from './key-inputs.js';
import { displayPrefix, generateKeySecret, newKeyId, newTeamId } from './key-secret.js';
import { toKeyView, toTeamView, type ApiKeyView, type TeamView } from './key-views.js';

export interface KeyServiceDeps {
  readonly db: TollgateDb;
  readonly ledger: BudgetLedger;
  readonly now?: () => number;
}

/** The authenticated key and its team, as the pipeline's later stages need them. */
export interface AuthenticatedKey {
  readonly principal: Principal;
  readonly key: ApiKeyRow;
  readonly team: TeamRow | undefined;
}

type BudgetColumns = Pick<
  ApiKeyRow,
  'maxBudgetNanos' | 'softBudgetNanos' | 'budgetDuration' | 'budgetResetAt'
>;

function toNanos(usd: number | null | undefined): number | null | undefined {
  if (usd === undefined) return undefined;
  return usd === null ? null : Math.round(usd * NANOS_PER_USD);
}

/** Only the fields the input sets: `undefined` leaves a column unchanged, `null` clears it. */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [name, value] of Object.entries(values) as Array<[keyof T, T[keyof T]]>) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function budgetSettings(row: BudgetColumns): BudgetSettings {
  const durationMs =
    row.budgetDuration === null ? undefined : parseBudgetDuration(row.budgetDuration);
  return {
    maxBudgetNanos: row.maxBudgetNanos ?? undefined,
    softBudgetNanos: row.softBudgetNanos ?? undefined,
    durationMs,
    anchorMs: row.budgetResetAt ?? undefined,
  };
}

/** The intersection of two allow-lists (undefined = everything). */
function intersect(
  a: readonly string[] | null | undefined,
  b: readonly string[] | null | undefined,
): readonly string[] | undefined {
  if (a === null || a === undefined) return b ?? undefined;
  if (b === null || b === undefined) return a;
  const allowed = new Set(b);
  return a.filter((model) => allowed.has(model));
}

/**
 * Virtual keys and teams: their lifecycle in the database, the in-memory directory that
 * authenticates requests without a query, and their budgets in the ledger.
 */
export class KeyService {
  readonly directory: KeyDirectory;
  private readonly db: TollgateDb;
  private readonly ledger: BudgetLedger;
  private readonly now: () => number;

  constructor(deps: KeyServiceDeps) {
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.now = deps.now ?? Date.now;
    this.directory = KeyDirectory.load(deps.db);
    for (const team of this.directory.teams()) this.configureBudget('team', team);
    for (const key of this.directory.keys()) this.configureBudget('key', key);
  }

  /** Resolves a presented secret; undefined when it is not a live virtual key. O(1), no query. */
  authenticate(credential: string): AuthenticatedKey | undefined {
    return this.authenticateHash(hashKey(credential));
  }

  /** {@link authenticate} for a secret already hashed (`hashKey`), e.g. once per request. */
  authenticateHash(hash: string): AuthenticatedKey | undefined {
    const key = this.directory.keyByHash(hash);
    if (key === undefined) return undefined;
    if (key.expiresAt !== null && key.expiresAt <= this.now()) {
      throw new GatewayError(
        'invalid_api_key',
        `The API key expired at ${new Date(key.expiresAt).toISOString()}`,
      );
    }
    if (key.blocked) throw new GatewayError('forbidden', 'The API key is blocked');
    const team = this.directory.team(key.teamId);
    if (team?.blocked === true)
      throw new GatewayError('forbidden', "The API key's team is blocked");
    return {
      principal: {
        kind: 'virtual_key',
        keyId: key.id,
        teamId: team?.id,
        allowedModels: intersect(key.models, team?.models),
      },
      key,
      team,
    };
  }

  createKey(input: CreateKeyInput): { key: string; apiKey: ApiKeyView } {
    if (input.teamId != null) this.requireTeam(input.teamId);
    const secret = generateKeySecret();
    const now = this.now();
    const row = this.db
      .insert(apiKeys)
      .values({
        id: newKeyId(),
        keyHash: hashKey(secret),
        keyPrefix: displayPrefix(secret),
        name: input.name ?? null,
        teamId: input.teamId ?? null,
        models: input.models ?? null,
        maxBudgetNanos: toNanos(input.maxBudget) ?? null,
        budgetDuration: input.budgetDuration ?? null,
        budgetResetAt: this.firstReset(input.budgetDuration),
        softBudgetNanos: toNanos(input.softBudget) ?? null,
        rpmLimit: input.rpmLimit ?? null,
        tpmLimit: input.tpmLimit ?? null,
        maxParallelRequests: input.maxParallelRequests ?? null,
        expiresAt: input.expiresAt == null ? null : toEpochMs(input.expiresAt),
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    this.directory.putKey(row);
    this.configureBudget('key', row);
    return { key: secret, apiKey: this.keyView(row) };
  }

  listKeys(filter: { teamId?: string | undefined; includeRevoked?: boolean } = {}): ApiKeyView[] {
    const conditions = [
      filter.teamId === undefined ? undefined : eq(apiKeys.teamId, filter.teamId),
      filter.includeRevoked === true ? undefined : sql`${apiKeys.revokedAt} is null`,
    ].filter((condition) => condition !== undefined);
    const rows = this.db
      .select()
      .from(apiKeys)
      .where(conditions.length === 0 ? undefined : and(...conditions))
      .orderBy(apiKeys.createdAt)
      .all();
    return rows.map((row) => this.keyView(row));
  }

  getKey(id: string): ApiKeyView | undefined {
    const row = this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    return row === undefined ? undefined : this.keyView(row);
  }

  updateKey(id: string, input: UpdateKeyInput): ApiKeyView {
    const existing = this.requireKey(id);
    if (input.teamId != null) this.requireTeam(input.teamId);
    const durationChanged =
      input.budgetDuration !== undefined && input.budgetDuration !== existing.budgetDuration;
    const row = this.db
      .update(apiKeys)
      .set(
        defined({
          name: input.name,
          teamId: input.teamId,
          models: input.models,
          maxBudgetNanos: toNanos(input.maxBudget),
          budgetDuration: input.budgetDuration,
          budgetResetAt: durationChanged ? this.firstReset(input.budgetDuration) : undefined,
          softBudgetNanos: toNanos(input.softBudget),
          rpmLimit: input.rpmLimit,
          tpmLimit: input.tpmLimit,
          maxParallelRequests: input.maxParallelRequests,
          expiresAt:
            input.expiresAt === undefined
              ? undefined
              : input.expiresAt === null
                ? null
                : toEpochMs(input.expiresAt),
          blocked: input.blocked ?? undefined,
          metadata: input.metadata ?? undefined,
          updatedAt: this.now(),
        }),
      )
      .where(eq(apiKeys.id, id))
      .returning()
      .get();
    if (row === undefined) throw this.keyNotFound(id);
    this.directory.putKey(row);
    this.configureBudget('key', row);
    return this.keyView(row);
  }

  /** Revokes at once: the key stops authenticating on the next request. */
  revokeKey(id: string): ApiKeyView {
    this.requireKey(id);
    const row = this.db
      .update(apiKeys)
      .set({ revokedAt: this.now(), updatedAt: this.now() })
      .where(eq(apiKeys.id, id))
      .returning()
      .get();
    if (row === undefined) throw this.keyNotFound(id);
    this.directory.putKey(row);
    this.ledger.remove({ kind: 'key', id });
    return this.keyView(row);
  }

  /** A new secret for the same key (id, budget, spend and limits kept); the old one is invalid at once. */
  rotateKey(id: string): { key: string; apiKey: ApiKeyView } {
    const existing = this.requireKey(id);
    if (existing.revokedAt !== null)
      throw new GatewayError('invalid_request', 'A revoked key cannot be rotated');
    const secret = generateKeySecret();
    const row = this.db
      .update(apiKeys)
      .set({ keyHash: hashKey(secret), keyPrefix: displayPrefix(secret), updatedAt: this.now() })
      .where(eq(apiKeys.id, id))
      .returning()
      .get();
    if (row === undefined) throw this.keyNotFound(id);
    this.directory.putKey(row);
    return { key: secret, apiKey: this.keyView(row) };
  }

  createTeam(input: CreateTeamInput): TeamView {
    const now = this.now();
    const row = this.db
      .insert(teams)
      .values({
        id: newTeamId(),
        name: input.name,
        models: input.models ?? null,
        maxBudgetNanos: toNanos(input.maxBudget) ?? null,
        budgetDuration: input.budgetDuration ?? null,
        budgetResetAt: this.firstReset(input.budgetDuration),
        softBudgetNanos: toNanos(input.softBudget) ?? null,
        rpmLimit: input.rpmLimit ?? null,
        tpmLimit: input.tpmLimit ?? null,
        maxParallelRequests: input.maxParallelRequests ?? null,
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    this.directory.putTeam(row);
    this.configureBudget('team', row);
    return this.teamView(row);
  }

  listTeams(): TeamView[] {
    return this.db
      .select()
      .from(teams)
      .orderBy(teams.createdAt)
      .all()
      .map((row) => this.teamView(row));
  }

  getTeam(id: string): TeamView | undefined {
    const row = this.directory.team(id);
    return row === undefined ? undefined : this.teamView(row);
  }

  updateTeam(id: string, input: UpdateTeamInput): TeamView {
    const existing = this.requireTeam(id);
    const durationChanged =
      input.budgetDuration !== undefined && input.budgetDuration !== existing.budgetDuration;
    const row = this.db
      .update(teams)
      .set(
        defined({
          name: input.name,
          models: input.models,
          maxBudgetNanos: toNanos(input.maxBudget),
          budgetDuration: input.budgetDuration,
          budgetResetAt: durationChanged ? this.firstReset(input.budgetDuration) : undefined,
          softBudgetNanos: toNanos(input.softBudget),
          rpmLimit: input.rpmLimit,
          tpmLimit: input.tpmLimit,
          maxParallelRequests: input.maxParallelRequests,
          blocked: input.blocked ?? undefined,
          metadata: input.metadata ?? undefined,
          updatedAt: this.now(),
        }),
      )
      .where(eq(teams.id, id))
      .returning()
      .get();
    if (row === undefined) throw this.teamNotFound(id);
    this.directory.putTeam(row);
    this.configureBudget('team', row);
    return this.teamView(row);
  }

  /** Deletes a team; its keys stay, without a team. */
  deleteTeam(id: string): TeamView {
    const existing = this.requireTeam(id);
    const view = this.teamView(existing);
    this.db.transaction((tx) => {
      tx.update(apiKeys)
        .set({ teamId: null, updatedAt: this.now() })
        .where(eq(apiKeys.teamId, id))
        .run();
      tx.delete(teams).where(eq(teams.id, id)).run();
    });
    this.directory.removeTeam(id);
    this.ledger.remove({ kind: 'team', id });
    return view;
  }

  private keyView(row: ApiKeyRow): ApiKeyView {
    return toKeyView(
      row,
      row.revokedAt === null ? this.ledger.snapshot({ kind: 'key', id: row.id }) : undefined,
    );
  }

  private teamView(row: TeamRow): TeamView {
    return toTeamView(row, this.ledger.snapshot({ kind: 'team', id: row.id }));
  }

  private firstReset(duration: string | null | undefined): number | null {
    if (duration == null) return null;
    const ms = parseBudgetDuration(duration);
    return ms === undefined ? null : this.now() + ms;
  }

  private configureBudget(kind: 'key' | 'team', row: BudgetColumns & { id: string }): void {
    this.ledger.configure(
      { kind, id: row.id },
      {
        settings: budgetSettings(row),
        spentSince: (periodStart) => this.spentSince({ kind, id: row.id }, periodStart),
      },
    );
  }

  /** Settled spend since a period start, from the spend rows (used on start and at period changes). */
  private spentSince(subject: { kind: 'key' | 'team'; id: string }, periodStart: number): number {
    const column = subject.kind === 'key' ? spendLogs.keyId : spendLogs.teamId;
    const result = this.db
      .select({ total: sql<number>`coalesce(sum(${spendLogs.costNanos}), 0)` })
      .from(spendLogs)
      .where(and(eq(column, subject.id), gte(spendLogs.startTime, periodStart)))
      .get();
    return Number(result?.total ?? 0);
  }

  private requireKey(id: string): ApiKeyRow {
    const row = this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    if (row === undefined) throw this.keyNotFound(id);
    return row;
  }

  private requireTeam(id: string): TeamRow {
    const row = this.directory.team(id);
    if (row === undefined) throw this.teamNotFound(id);
    return row;
  }

  private keyNotFound(id: string): GatewayError {
    return new GatewayError('not_found', `No key with id "${id}"`, { param: 'id' });
  }

  private teamNotFound(id: string): GatewayError {
    return new GatewayError('not_found', `No team with id "${id}"`, { param: 'teamId' });
  }
}
