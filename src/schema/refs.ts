import type { ApiKeyView, TeamView } from '../keys/key-views.js';
import { builder } from './builder.js';

/**
 * References of the types that point at each other (a key's team, a team's keys), declared
 * here so that keys.ts and teams.ts each implement one without importing the other.
 */
export const ApiKeyRef = builder.objectRef<ApiKeyView>('ApiKey');
export const TeamRef = builder.objectRef<TeamView>('Team');

/** The rate limits of a key or team (absent = unlimited). */
export const RateLimitsRef = builder
  .objectRef<{
    readonly rpmLimit: number | null;
    readonly tpmLimit: number | null;
    readonly maxParallelRequests: number | null;
  }>('RateLimits')
  .implement({
    fields: (t) => ({
      rpmLimit: t.int({
        nullable: true,
        description: 'Requests per minute.',
        resolve: (l) => l.rpmLimit,
      }),
      tpmLimit: t.int({
        nullable: true,
        description: 'Tokens per minute.',
        resolve: (l) => l.tpmLimit,
      }),
      maxParallelRequests: t.int({
        nullable: true,
        description: 'Requests in flight at once.',
        resolve: (l) => l.maxParallelRequests,
      }),
    }),
  });

/** Fields the key and team inputs share (they mirror the zod `limits` in src/keys/key-inputs.ts). */
export const BUDGET_FIELD_DESCRIPTIONS = {
  models: 'Model groups it may use; null = all.',
  maxBudget: 'Budget per period, in USD.',
  budgetDuration: 'Budget reset period: 30s, 15m, 1h, 1d, 7d, 30d...; absent = never resets.',
  softBudget: 'Alert threshold in USD (a budgetAlerts event when crossed).',
} as const;
