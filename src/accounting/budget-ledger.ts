import { GatewayError } from '../core/errors.js';
import { nanosToUsd } from '../pricing/pricing.js';
import type { AlertBus } from './alert-bus.js';
import { periodStartAt } from './budget-duration.js';

/** A key's or a team's budget as configured. Money in nano-USD. */
export interface BudgetSettings {
  readonly maxBudgetNanos: number | undefined;
  readonly softBudgetNanos: number | undefined;
  /** Reset period; undefined = never resets. */
  readonly durationMs: number | undefined;
  /** Unix ms of the first reset; periods follow every durationMs from there. */
  readonly anchorMs: number | undefined;
}

interface Account {
  readonly kind: 'key' | 'team';
  readonly id: string;
  settings: BudgetSettings;
  /** Start of the period `spent` belongs to (0 for budgets that never reset). */
  periodStart: number;
  /** Settled spend in the current period. */
  spentNanos: number;
  /** Reserved by admitted requests that have not settled. */
  reservedNanos: number;
  softAlerted: boolean;
  exhaustedAlerted: boolean;
}

/** Held by an admitted request until it settles. */
export interface Reservation {
  readonly parts: ReadonlyArray<{ readonly account: Account; readonly periodStart: number }>;
  readonly amountNanos: number;
  settled: boolean;
}

/**
 * Budgets of keys and teams, enforced in memory so that admission is atomic: JavaScript runs one
 * callback at a time, and `reserve` checks and takes the request's maximum possible cost on every
 * account it touches without awaiting, so concurrent requests can never push spend past a budget.
 * `settle` replaces the reservation with the actual cost. Counters are rebuilt from the spend rows
 * on start (`load`), so they survive restarts and crashes.
 */
export class BudgetLedger {
  private readonly accounts = new Map<string, Account>();
  private readonly alerts: AlertBus;
  private readonly now: () => number;

  constructor(deps: { alerts: AlertBus; now?: () => number }) {
    this.alerts = deps.alerts;
    this.now = deps.now ?? Date.now;
  }

  /**
   * Sets (or updates) an account's budget. `spentSince` returns the settled spend since a period
   * start (from the spend rows); it is asked when the account is new or its period changed.
   */
  configure(
    subject: { kind: 'key' | 'team'; id: string },
    input: { settings: BudgetSettings; spentSince: (periodStart: number) => number },
  ): void {
    const id = `${subject.kind}:${subject.id}`;
    const periodStart = this.periodStartOf(input.settings);
    const existing = this.accounts.get(id);
    if (existing !== undefined && existing.periodStart === periodStart) {
      existing.settings = input.settings;
      return;
    }
    this.accounts.set(id, {
      kind: subject.kind,
      id: subject.id,
      settings: input.settings,
      periodStart,
      spentNanos: input.spentSince(periodStart),
      reservedNanos: existing?.reservedNanos ?? 0,
      softAlerted: false,
      exhaustedAlerted: false,
    });
  }

  remove(subject: { kind: 'key' | 'team'; id: string }): void {
    this.accounts.delete(`${subject.kind}:${subject.id}`);
  }

  /** Spend and reservations of an account in its current period, for the APIs. */
  snapshot(subject: { kind: 'key' | 'team'; id: string }):
    | {
        spentNanos: number;
        reservedNanos: number;
        periodStart: number;
        nextResetAt: number | undefined;
      }
    | undefined {
    const account = this.accounts.get(`${subject.kind}:${subject.id}`);
    if (account === undefined) return undefined;
    this.roll(account);
    const { durationMs } = account.settings;
    return {
      spentNanos: account.spentNanos,
      reservedNanos: account.reservedNanos,
      periodStart: account.periodStart,
      nextResetAt: durationMs === undefined ? undefined : account.periodStart + durationMs,
    };
  }

  /**
   * Reserves `amountNanos` on every listed account, or none: throws 429 `budget_exceeded` when any
   * of them cannot take it. Accounts without a budget are skipped.
   */
  reserve(
    subjects: ReadonlyArray<{ kind: 'key' | 'team'; id: string }>,
    amountNanos: number,
  ): Reservation {
    const accounts: Account[] = [];
    for (const subject of subjects) {
      const account = this.accounts.get(`${subject.kind}:${subject.id}`);
      if (account === undefined) continue;
      this.roll(account);
      const max = account.settings.maxBudgetNanos;
      if (max !== undefined && account.spentNanos + account.reservedNanos + amountNanos > max) {
        if (account.spentNanos >= max) this.alertExhausted(account);
        throw this.exceeded(account, amountNanos);
      }
      accounts.push(account);
    }
    for (const account of accounts) account.reservedNanos += amountNanos;
    return {
      parts: accounts.map((account) => ({ account, periodStart: account.periodStart })),
      amountNanos,
      settled: false,
    };
  }

  /** Replaces a reservation with the actual cost. Idempotent. */
  settle(reservation: Reservation, actualNanos: number): void {
    if (reservation.settled) return;
    reservation.settled = true;
    for (const part of reservation.parts) {
      const account = part.account;
      this.roll(account);
      // A reservation from a period that has ended was already dropped by roll().
      if (part.periodStart !== account.periodStart) continue;
      account.reservedNanos = Math.max(0, account.reservedNanos - reservation.amountNanos);
      account.spentNanos += actualNanos;
      this.checkThresholds(account);
    }
  }

  /** Adds spend that had no reservation (e.g. a request of the master key on a team... or a cache hit). */
  record(subjects: ReadonlyArray<{ kind: 'key' | 'team'; id: string }>, actualNanos: number): void {
    for (const subject of subjects) {
      const account = this.accounts.get(`${subject.kind}:${subject.id}`);
      if (account === undefined) continue;
      this.roll(account);
      account.spentNanos += actualNanos;
      this.checkThresholds(account);
    }
  }

  private periodStartOf(settings: BudgetSettings): number {
    if (settings.durationMs === undefined || settings.anchorMs === undefined) return 0;
    return periodStartAt(
      { anchorMs: settings.anchorMs, durationMs: settings.durationMs },
      this.now(),
    );
  }

  /** Starts a new period when the current one has ended: spend, reservations and alerts reset. */
  private roll(account: Account): void {
    const start = this.periodStartOf(account.settings);
    if (start === account.periodStart) return;
    account.periodStart = start;
    account.spentNanos = 0;
    account.reservedNanos = 0;
    account.softAlerted = false;
    account.exhaustedAlerted = false;
  }

  private checkThresholds(account: Account): void {
    const { softBudgetNanos, maxBudgetNanos } = account.settings;
    if (
      softBudgetNanos !== undefined &&
      !account.softAlerted &&
      account.spentNanos >= softBudgetNanos
    ) {
      account.softAlerted = true;
      this.emit(account, { type: 'soft_budget_reached', threshold: softBudgetNanos });
    }
    if (maxBudgetNanos !== undefined && account.spentNanos >= maxBudgetNanos)
      this.alertExhausted(account);
  }

  private alertExhausted(account: Account): void {
    if (account.exhaustedAlerted || account.settings.maxBudgetNanos === undefined) return;
    account.exhaustedAlerted = true;
    this.emit(account, { type: 'budget_exhausted', threshold: account.settings.maxBudgetNanos });
  }

  private emit(
    account: Account,
    alert: { type: 'soft_budget_reached' | 'budget_exhausted'; threshold: number },
  ): void {
    this.alerts.emit({
      type: alert.type,
      subject: { kind: account.kind, id: account.id },
      spendUsd: nanosToUsd(account.spentNanos),
      thresholdUsd: nanosToUsd(alert.threshold),
      periodStart: account.settings.durationMs === undefined ? undefined : account.periodStart,
      expiresAt: undefined,
      at: this.now(),
    });
  }

  private exceeded(account: Account, amountNanos: number): GatewayError {
    const max = account.settings.maxBudgetNanos ?? 0;
    const spent = nanosToUsd(account.spentNanos);
    const exhausted = account.spentNanos >= max;
    const { durationMs } = account.settings;
    const resetIn =
      durationMs === undefined
        ? undefined
        : Math.ceil((account.periodStart + durationMs - this.now()) / 1000);
    const message = exhausted
      ? `The ${account.kind} budget of $${nanosToUsd(max)} is exhausted (spent $${spent})`
      : `The ${account.kind} budget of $${nanosToUsd(max)} cannot cover this request: spent $${spent}, ` +
        `$${nanosToUsd(account.reservedNanos)} reserved by requests in flight, up to $${nanosToUsd(amountNanos)} for this one`;
    // Reservations settle within a request's lifetime, an exhausted budget only at its reset.
    return new GatewayError(
      'budget_exceeded',
      resetIn === undefined ? message : `${message}; it resets in ${resetIn} s`,
      {
        retryAfterSeconds: exhausted ? resetIn : 1,
      },
    );
  }
}
