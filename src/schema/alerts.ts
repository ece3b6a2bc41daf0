import type { BudgetAlert } from '../accounting/alert-bus.js';
import { canSeeAlert } from '../resolvers/alerts.js';
import { AlertFeed } from './alert-feed.js';
import { builder } from './builder.js';

const BudgetAlertTypeEnum = builder.enumType('BudgetAlertType', {
  values: {
    SOFT_BUDGET_REACHED: {
      value: 'soft_budget_reached',
      description: 'Spend reached the soft budget.',
    },
    BUDGET_EXHAUSTED: { value: 'budget_exhausted', description: 'Spend reached the budget.' },
    KEY_EXPIRING: { value: 'key_expiring', description: 'The key expires soon.' },
  } as const,
});

const BudgetSubjectKindEnum = builder.enumType('BudgetSubjectKind', {
  values: { KEY: { value: 'key' }, TEAM: { value: 'team' } } as const,
});

const BudgetAlertRef = builder.objectRef<BudgetAlert>('BudgetAlert').implement({
  fields: (t) => ({
    type: t.field({ type: BudgetAlertTypeEnum, resolve: (alert) => alert.type }),
    subjectKind: t.field({ type: BudgetSubjectKindEnum, resolve: (alert) => alert.subject.kind }),
    subjectId: t.id({ resolve: (alert) => alert.subject.id }),
    spend: t.float({
      description: 'Spend in the current period, USD.',
      resolve: (a) => a.spendUsd,
    }),
    threshold: t.float({
      nullable: true,
      description: 'The soft or hard budget crossed, USD; null for KEY_EXPIRING.',
      resolve: (alert) => alert.thresholdUsd ?? null,
    }),
    periodStart: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (alert) => alert.periodStart ?? null,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (alert) => alert.expiresAt ?? null,
    }),
    at: t.field({ type: 'DateTime', resolve: (alert) => alert.at }),
  }),
});

builder.subscriptionFields((t) => ({
  budgetAlerts: t.field({
    type: BudgetAlertRef,
    description: 'Budget alerts as they fire (a virtual key only hears about itself and its team).',
    subscribe: (_root, _args, ctx) =>
      new AlertFeed(ctx.tollgate.alerts, {
        filter: (alert) => canSeeAlert(ctx.principal, alert),
        closing: ctx.subscriptions.closing,
      }),
    resolve: (alert) => alert,
  }),
}));
