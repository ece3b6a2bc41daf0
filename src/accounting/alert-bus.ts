/** What a budget alert is about. */
export type BudgetAlertType = 'soft_budget_reached' | 'budget_exhausted' | 'key_expiring';

export interface BudgetAlert {
  readonly type: BudgetAlertType;
  /** A key or a team. */
  readonly subject: { readonly kind: 'key' | 'team'; readonly id: string };
  /** Spend in the current period, in USD. */
  readonly spendUsd: number;
  /** The threshold that was crossed (soft or hard budget), in USD; undefined for key_expiring. */
  readonly thresholdUsd: number | undefined;
  /** Unix ms when the current budget period started (undefined for budgets that never reset). */
  readonly periodStart: number | undefined;
  /** Unix ms of the key's expiry, for key_expiring. */
  readonly expiresAt: number | undefined;
  /** Unix ms when the alert fired. */
  readonly at: number;
}

export type AlertListener = (alert: BudgetAlert) => void;

/**
 * The in-process event bus for budget alerts: the GraphQL `budgetAlerts` subscription and the
 * optional webhook listen here. Listeners run synchronously and must not throw (errors are
 * contained so one bad listener cannot break accounting).
 */
export class AlertBus {
  private readonly listeners = new Set<AlertListener>();
  private readonly onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => undefined) {
    this.onListenerError = onListenerError;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(alert: BudgetAlert): void {
    for (const listener of this.listeners) {
      try {
        listener(alert);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
