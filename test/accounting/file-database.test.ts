import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
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
});
