import { credentialHash } from '../auth/credential-hash.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ModelGroup } from '../core/model-catalog.js';
import type { Pipeline } from '../core/pipeline.js';
import type { RequestContext } from '../core/request-context.js';
import type { AuthenticatedKey, KeyService } from '../keys/key-service.js';
import type { RateLimiter, RateLimitLease, RateLimitSpec } from '../policy/rate-limiter.js';
import { NANOS_PER_USD, type PriceBook } from '../pricing/pricing.js';
import type { BudgetLedger, Reservation } from './budget-ledger.js';
import type { SpendWriter } from './spend-writer.js';
import { toSpendRow } from './spend-row.js';

export interface AccountingDeps {
  readonly keys: KeyService;
  readonly ledger: BudgetLedger;
  readonly prices: PriceBook;
  readonly limiter: RateLimiter;
  readonly writer: SpendWriter;
  readonly logger: Logger;
  /** Output tokens reserved for a request that sets no max_tokens. */
  readonly reservationOutputTokens: number;
  /** `disable_spend_logs`: settle budgets in memory but write no rows. */
  readonly disableSpendLogs: boolean;
}

/** Per-request accounting state, kept on the context under this stage's own key. */
interface AccountingState {
  authenticated: AuthenticatedKey | undefined;
  leases: RateLimitLease[];
  reservation: Reservation | undefined;
  /** Top-ups taken when a fallback moved the request to a pricier group; settled at 0. */
  topUps: Reservation[];
}

const STATE = Symbol('accounting');

function stateOf(ctx: RequestContext): AccountingState {
  let state = ctx.state.get(STATE) as AccountingState | undefined;
  if (state === undefined) {
    state = { authenticated: undefined, leases: [], reservation: undefined, topUps: [] };
    ctx.state.set(STATE, state);
  }
  return state;
}

function limitsOf(row: {
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallelRequests: number | null;
}): RateLimitSpec {
  return {
    rpm: row.rpmLimit ?? undefined,
    tpm: row.tpmLimit ?? undefined,
    maxParallel: row.maxParallelRequests ?? undefined,
  };
}

function hasLimits(spec: RateLimitSpec): boolean {
  return spec.rpm !== undefined || spec.tpm !== undefined || spec.maxParallel !== undefined;
}

/** The budget accounts a key's spend counts against: the key, and its team if any. */
function budgetSubjects(
  authenticated: AuthenticatedKey,
): Array<{ kind: 'key' | 'team'; id: string }> {
  const subjects: Array<{ kind: 'key' | 'team'; id: string }> = [
    { kind: 'key', id: authenticated.key.id },
  ];
  if (authenticated.team !== undefined) subjects.push({ kind: 'team', id: authenticated.team.id });
  return subjects;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * Fills the pipeline's accounting hook points: virtual-key authentication, per-key and per-team
 * rate limits, budget reservation before the call, exact settlement after it, and the request's
 * one spend row after the response.
 */
export function installAccounting(pipeline: Pipeline, deps: AccountingDeps): void {
  pipeline.use('authenticate', (ctx) => {
    const hash = credentialHash(ctx);
    if (hash === undefined) return undefined;
    const authenticated = deps.keys.authenticateHash(hash);
    if (authenticated === undefined) return undefined;
    stateOf(ctx).authenticated = authenticated;
    return authenticated.principal;
  });

  pipeline.use('rateLimit', (ctx) => {
    const state = stateOf(ctx);
    const authenticated = state.authenticated;
    if (authenticated === undefined) return;
    const bound = ctx.bound;
    // A token estimate for tpm, not a guarantee: ~4 bytes per token for prompts, plus the cap.
    const estimatedTokens =
      Math.ceil((bound?.promptBytes ?? 0) / 4) + (bound?.maxOutputTokens ?? 0);
    const subjects: Array<{ subject: string; spec: RateLimitSpec; label: string }> = [
      { subject: `key:${authenticated.key.id}`, spec: limitsOf(authenticated.key), label: 'key' },
    ];
    if (authenticated.team !== undefined) {
      subjects.push({
        subject: `team:${authenticated.team.id}`,
        spec: limitsOf(authenticated.team),
        label: 'team',
      });
    }
    let remaining: { requests: number | undefined; tokens: number | undefined } | undefined;
    for (const { subject, spec, label } of subjects) {
      if (!hasLimits(spec)) continue;
      const result = deps.limiter.acquire(subject, { spec, estimatedTokens });
      if (!result.ok) {
        for (const lease of state.leases) lease.cancel();
        state.leases = [];
        throw new GatewayError(
          'rate_limit_exceeded',
          `Rate limit exceeded for this ${label} (${result.limit}); retry in ${result.retryAfterSeconds} s`,
          { retryAfterSeconds: result.retryAfterSeconds },
        );
      }
      state.leases.push(result);
      remaining = {
        requests: minDefined(remaining?.requests, result.remainingRequests),
        tokens: minDefined(remaining?.tokens, result.remainingTokens),
      };
    }
    ctx.rateLimitRemaining = remaining;
  });

  /** The router may pick any deployment of the group: the most expensive one's maximum cost. */
  const maxCostNanos = (ctx: RequestContext, group: ModelGroup): number => {
    const bound = {
      promptBytes: ctx.bound?.promptBytes ?? 0,
      maxOutputTokens: ctx.bound?.maxOutputTokens ?? deps.reservationOutputTokens,
    };
    let amount = 0;
    for (const handle of group.deployments) {
      amount = Math.max(amount, deps.prices.pricingFor(handle.deployment).maxCostNanos(bound));
    }
    return amount;
  };

  pipeline.use('budgetReservation', (ctx) => {
    const state = stateOf(ctx);
    const authenticated = state.authenticated;
    if (authenticated === undefined || ctx.group === undefined) return;
    state.reservation = deps.ledger.reserve(
      budgetSubjects(authenticated),
      maxCostNanos(ctx, ctx.group),
    );
  });

  // A fallback to a pricier group reserves the difference first; a budget that cannot take it
  // refuses the fallback (budget_exceeded), and the router tries the next one.
  pipeline.use('fallback', (ctx, group) => {
    const state = stateOf(ctx);
    const authenticated = state.authenticated;
    if (authenticated === undefined || state.reservation === undefined) return;
    let held = state.reservation.amountNanos;
    for (const topUp of state.topUps) held += topUp.amountNanos;
    const needed = maxCostNanos(ctx, group);
    if (needed <= held) return;
    state.topUps.push(deps.ledger.reserve(budgetSubjects(authenticated), needed - held));
  });

  pipeline.use('settleCost', (ctx) => {
    const state = stateOf(ctx);
    const costNanos =
      ctx.deployment !== undefined &&
      ctx.usage !== undefined &&
      ctx.cacheStatus !== 'hit' &&
      ctx.cacheStatus !== 'semantic-hit'
        ? deps.prices.pricingFor(ctx.deployment).costNanos(ctx.usage)
        : 0;
    ctx.costUsd = costNanos / NANOS_PER_USD;
    if (state.reservation !== undefined) deps.ledger.settle(state.reservation, costNanos);
    for (const topUp of state.topUps) deps.ledger.settle(topUp, 0);
    state.topUps = [];
    const tokens = ctx.usage?.total_tokens ?? 0;
    for (const lease of state.leases) lease.release(tokens);
    state.leases = [];
  });

  if (deps.disableSpendLogs) return;
  pipeline.use('log', (ctx) => {
    // Requests nobody authenticated as are not accounted: logging them would let anyone fill the database.
    if (ctx.principal === undefined) return;
    deps.writer.enqueue(toSpendRow(ctx, Date.now()));
  });
}
