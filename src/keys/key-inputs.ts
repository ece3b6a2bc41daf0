import { z } from 'zod';
import { parseBudgetDuration } from '../accounting/budget-duration.js';

/**
 * Inputs of key and team mutations, shared by every transport (GraphQL, tRPC) through
 * src/resolvers. Money is in USD here; the database stores nano-USD.
 */

const budgetDuration = z.string().refine((value) => parseBudgetDuration(value) !== undefined, {
  message: 'expected a duration such as 30s, 15m, 1h, 1d, 7d or 30d',
});

const usd = z.number().nonnegative().max(1_000_000_000);
const limit = z.number().int().positive();
/** ISO 8601 date-time or Unix milliseconds. */
const instant = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);

const limits = {
  /** Model groups this key may use; null or absent = all (within its team's list). */
  models: z.array(z.string().min(1)).nullish(),
  /** Budget per period in USD. */
  maxBudget: usd.nullish(),
  /** Budget reset period (`30s`, `1h`, `1d`, `7d`, `30d`...); absent = never resets. */
  budgetDuration: budgetDuration.nullish(),
  /** Alert threshold in USD. */
  softBudget: usd.nullish(),
  rpmLimit: limit.nullish(),
  tpmLimit: limit.nullish(),
  maxParallelRequests: limit.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
};

export const createKeyInputSchema = z.object({
  name: z.string().max(200).nullish(),
  teamId: z.string().nullish(),
  ...limits,
  expiresAt: instant.nullish(),
});

export const updateKeyInputSchema = createKeyInputSchema.extend({
  /** A blocked key is refused until unblocked. */
  blocked: z.boolean().nullish(),
});

export const createTeamInputSchema = z.object({
  name: z.string().min(1).max(200),
  ...limits,
});

export const updateTeamInputSchema = createTeamInputSchema.partial().extend({
  blocked: z.boolean().nullish(),
});

export type CreateKeyInput = z.infer<typeof createKeyInputSchema>;
export type UpdateKeyInput = z.infer<typeof updateKeyInputSchema>;
export type CreateTeamInput = z.infer<typeof createTeamInputSchema>;
export type UpdateTeamInput = z.infer<typeof updateTeamInputSchema>;

/** ISO string or epoch ms → epoch ms. */
export function toEpochMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
