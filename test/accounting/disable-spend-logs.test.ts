import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { Tollgate } from '../../src/tollgate.js';

describe('general_settings.disable_spend_logs', () => {
  it('writes no rows but still enforces budgets in memory', async () => {
    const tollgate = Tollgate.create({
      config: {
        model_list: [
          {
            model_name: 'chat',
            litellm_params: { model: 'mock/echo', input_cost_per_token: 0.001 },
          },
        ],
        general_settings: { disable_spend_logs: true },
      },
      env: {},
      logger: silentLogger,
    });
    try {
      const { key, apiKey } = tollgate.keys.createKey({ maxBudget: 1 });
      await tollgate.chat(
        { model: 'chat', messages: [{ role: 'user', content: 'hello' }], max_tokens: 1 },
        { apiKey: key },
      );
      await tollgate.flushSpend();
      expect(
        requestLogs(tollgate.database.db, { principal: { kind: 'master' }, filter: {}, first: 10 })
          .rows,
      ).toEqual([]);
      expect(tollgate.ledger.snapshot({ kind: 'key', id: apiKey.id })?.spentNanos).toBeGreaterThan(
        0,
      );
    } finally {
      await tollgate.close();
    }
  });
});
