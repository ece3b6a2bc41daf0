import type { ApiKeyRow } from '../db/schema/api-keys.js';
import type { TeamRow } from '../db/schema/teams.js';
import { nanosToUsd } from '../pricing/pricing.js';

/** A key as the APIs show it: never the secret or its hash. Money in USD, times in epoch ms. */
export interface ApiKeyView {
  readonly id: string;
  readonly keyPrefix: string;
  readonly name: string | null;
  readonly teamId: string | null;
  readonly models: readonly string[] | null;
  readonly maxBudget: number | null;
  readonly budgetDuration: string | null;
  readonly softBudget: number | null;
  readonly rpmLimit: number | null;
  readonly tpmLimit: number | null;
  readonly maxParallelRequests: number | null;
  readonly expiresAt: number | null;
  readonly revoked: boolean;
  readonly blocked: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Lifetime spend, as written to the database (lags the live counters by a batch interval). */
  readonly spend: number;
  /** Spend in the current budget period (live). */
  readonly periodSpend: number;
  /** When the budget next resets. */
  readonly budgetResetAt: number | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface TeamView {
  readonly id: string;
  readonly name: string;
  readonly models: readonly string[] | null;
  readonly maxBudget: number | null;
  readonly budgetDuration: string | null;
  readonly softBudget: number | null;
  readonly rpmLimit: number | null;
  readonly tpmLimit: number | null;
  readonly maxParallelRequests: number | null;
  readonly blocked: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly spend: number;
  readonly periodSpend: number;
  readonly budgetResetAt: number | null;
  readonly createdAt: number;
}

/** The live part of a view, from the budget ledger. */
export interface PeriodState {
  readonly spentNanos: number;
  readonly nextResetAt: number | undefined;
}

function usdOrNull(nanos: number | null): number | null {
  return nanos === null ? null : nanosToUsd(nanos);
}

export function toKeyView(row: ApiKeyRow, period: PeriodState | undefined): ApiKeyView {
  return {
    id: row.id,
    keyPrefix: row.keyPrefix,
    name: row.name,
    teamId: row.teamId,
    models: row.models ?? null,
    maxBudget: usdOrNull(row.maxBudgetNanos),
    budgetDuration: row.budgetDuration,
    softBudget: usdOrNull(row.softBudgetNanos),
    rpmLimit: row.rpmLimit,
    tpmLimit: row.tpmLimit,
    maxParallelRequests: row.maxParallelRequests,
    expiresAt: row.expiresAt,
    revoked: row.revokedAt !== null,
    blocked: row.blocked,
    metadata: row.metadata,
    spend: nanosToUsd(row.spendNanos),
    periodSpend: nanosToUsd(period?.spentNanos ?? 0),
    budgetResetAt: period?.nextResetAt ?? null,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export function toTeamView(row: TeamRow, period: PeriodState | undefined): TeamView {
  return {
    id: row.id,
    name: row.name,
    models: row.models ?? null,
    maxBudget: usdOrNull(row.maxBudgetNanos),
    budgetDuration: row.budgetDuration,
    softBudget: usdOrNull(row.softBudgetNanos),
    rpmLimit: row.rpmLimit,
    tpmLimit: row.tpmLimit,
    maxParallelRequests: row.maxParallelRequests,
    blocked: row.blocked,
    metadata: row.metadata,
    spend: nanosToUsd(row.spendNanos),
    periodSpend: nanosToUsd(period?.spentNanos ?? 0),
    budgetResetAt: period?.nextResetAt ?? null,
    createdAt: row.createdAt,
  };
}
