import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { KeyService } from '../keys/key-service.js';
import { AlertBus, type BudgetAlert } from './alert-bus.js';
import { BudgetLedger } from './budget-ledger.js';
import { watchKeyExpiry } from './expiry-watch.js';

function setup() {
  let now = Date.parse('2026-11-24T00:00:00Z');
  const alerts: BudgetAlert[] = [];
  const bus = new AlertBus();
  bus.subscribe((alert) => alerts.push(alert));
  const ledger = new BudgetLedger({ alerts: bus, now: () => now });
  const database = openDatabase(':memory:');
  const keys = new KeyService({ db: database.db, ledger, now: () => now });
  return { keys, ledger, bus, alerts, advance: (ms: number) => (now += ms), now: () => now };
}

describe('budget alerts', () => {
  it('key_expiring fires once when a key comes within the window', () => {
    const { keys, bus, alerts, advance, now } = setup();
    const { apiKey } = keys.createKey({ expiresAt: now() + 10 * 86_400_000 });
    const watch = watchKeyExpiry(
      { directory: keys.directory, alerts: bus, now },
      { windowMs: 7 * 86_400_000, intervalMs: 3_600_000 },
    );
    try {
      watch.check();
      expect(alerts).toEqual([]);
      advance(4 * 86_400_000);
      watch.check();
      watch.check();
      expect(alerts).toEqual([
        expect.objectContaining({ type: 'key_expiring', subject: { kind: 'key', id: apiKey.id } }),
      ]);
    } finally {
      watch.stop();
    }
  });

  it('budget_exhausted fires once per period, and again after a reset', () => {
    const { keys, ledger, alerts, advance } = setup();
    const { apiKey } = keys.createKey({ maxBudget: 0.000002, budgetDuration: '1h' });
    const subject = [{ kind: 'key' as const, id: apiKey.id }];
    ledger.settle(ledger.reserve(subject, 1_000), 2_000);
    expect(() => ledger.reserve(subject, 1)).toThrow(/exhausted/);
    expect(() => ledger.reserve(subject, 1)).toThrow(/exhausted/);
    expect(alerts.map((alert) => alert.type)).toEqual(['budget_exhausted']);
    advance(3_600_000);
    ledger.settle(ledger.reserve(subject, 1_000), 2_000);
    expect(alerts.map((alert) => alert.type)).toEqual(['budget_exhausted', 'budget_exhausted']);
  });
});
