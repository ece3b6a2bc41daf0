import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { silentLogger } from '../../src/core/logger.js';
import { apiKeys } from '../../src/db/schema/api-keys.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { Tollgate } from '../../src/tollgate.js';

/** File databases write spend rows from a worker thread, also when run from TypeScript source. */
describe('spend rows on a file database', () => {
  it('are written by the worker and all present after close, including the last request', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'tollgate-file-db-')), 'db.sqlite');
    const config = { model_list: [{ model_name: 'chat', litellm_params: { model: 'mock/echo' } }] };
    const first = Tollgate.create({ config, env: {}, database, logger: silentLogger });
    const { key } = first.keys.createKey({});
    for (let index = 0; index < 5; index += 1) {
      await first.chat(
        { model: 'chat', messages: [{ role: 'user', content: `hello ${index}` }] },
        { apiKey: key },
      );
    }
    await first.flushSpend();
    expect(
      requestLogs(first.database.db, { principal: { kind: 'master' }, filter: {}, first: 50 }).rows,
    ).toHaveLength(5);
    // One more, then close at once: its row must not be lost at shutdown.
    await first.chat(
      { model: 'chat', messages: [{ role: 'user', content: 'last' }] },
      { apiKey: key },
    );
    await first.close();
    const second = Tollgate.create({ config, env: {}, database, logger: silentLogger });
    try {
      expect(
        requestLogs(second.database.db, { principal: { kind: 'master' }, filter: {}, first: 50 })
          .rows,
      ).toHaveLength(6);
    } finally {
      await second.close();
    }
  });

  it('a batch the worker could not write comes back and is written once, with its counters', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'tollgate-file-db-')), 'db.sqlite');
    const config = { model_list: [{ model_name: 'chat', litellm_params: { model: 'mock/echo' } }] };
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (message) => void errors.push(message) };
    const tollgate = Tollgate.create({ config, env: {}, database, logger });
    try {
      const { key, apiKey } = tollgate.keys.createKey({});
      const db = tollgate.database.db;
      // The worker's insert fails while the table is away; the batch must survive that.
      db.run(sql`alter table spend_logs rename to spend_logs_away`);
      for (let index = 0; index < 3; index += 1) {
        await tollgate.chat(
          { model: 'chat', messages: [{ role: 'user', content: `retry ${index}` }] },
          { apiKey: key },
        );
      }
      await tollgate.flushSpend();
      expect(errors).toContain('spend batch failed; retrying');
      db.run(sql`alter table spend_logs_away rename to spend_logs`);
      // The retry runs 250 ms after the failure: wait for it (a busy machine may delay it).
      const logged = () =>
        requestLogs(db, { principal: { kind: 'master' }, filter: {}, first: 50 }).rows;
      for (let waited = 0; logged().length < 3 && waited < 5_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await tollgate.flushSpend();
      const rows = logged();
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((row) => row.requestId)).size).toBe(3);
      const [stored] = db
        .select({ spend: apiKeys.spendNanos })
        .from(apiKeys)
        .where(sql`${apiKeys.id} = ${apiKey.id}`)
        .all();
      expect(stored?.spend).toBe(rows.reduce((sum, row) => sum + row.costNanos, 0));
    } finally {
      await tollgate.close();
    }
  });
});
