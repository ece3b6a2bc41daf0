import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { apiKeys } from '../../src/db/schema/api-keys.js';
import { spendDaily } from '../../src/db/schema/spend-daily.js';
import { spendLogs } from '../../src/db/schema/spend-logs.js';
import { Tollgate } from '../../src/tollgate.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanEnv, spawnGateway } from '../support/spawn-gateway.js';
import { answerAll, MESSAGES } from './support.js';

const MASTER = 'sk-crash-test-master-key-0000000000';

function configFile(dir: string, upstream: FakeUpstream): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'model_list:',
      '  - model_name: chat',
      '    litellm_params:',
      '      model: openai/gpt-4o-mini',
      `      api_base: ${upstream.url}/v1`,
      '      api_key: sk-upstream-0123456789',
      '      input_cost_per_token: 0.000001',
      '      output_cost_per_token: 0.000002',
    ].join('\n'),
  );
  return file;
}

describe('crash safety of the spend log', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    answerAll(upstream, 5);
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('after kill -9 under load, every request completed 100 ms before has exactly one row, and counters equal rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-crash-'));
    const database = join(dir, 'db.sqlite');
    const config = configFile(dir, upstream);
    // Create a virtual key in the database the server will use.
    const setup = Tollgate.create({
      config,
      env: {},
      database,
      masterKey: MASTER,
      logger: silentLogger,
    });
    const { key, apiKey } = setup.keys.createKey({ name: 'load' });
    await setup.close();

    const gateway = await spawnGateway(
      {
        file: process.execPath,
        args: ['dist/cli.js', '--config', config, '--port', '0', '--db', database],
      },
      cleanEnv({ TOLLGATE_MASTER_KEY: MASTER }),
    );
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
      timeout: 5_000,
    });
    const completed: Array<{ id: string; at: number }> = [];
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        try {
          const { response } = await client.chat.completions
            .create({ model: 'chat', messages: MESSAGES })
            .withResponse();
          completed.push({
            id: response.headers.get('x-tollgate-request-id') ?? '',
            at: Date.now(),
          });
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, () => worker());
    // Load until enough requests completed (a loaded CI machine is slower), at least 1 s.
    const loadStarted = Date.now();
    while (
      Date.now() - loadStarted < 1_000 ||
      (completed.length < 150 && Date.now() - loadStarted < 20_000)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const killedAt = Date.now();
    gateway.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await gateway.exited;

    const safe = completed.filter((request) => request.at <= killedAt - 100);
    expect(safe.length).toBeGreaterThan(100);

    const after = Tollgate.create({
      config,
      env: {},
      database,
      masterKey: MASTER,
      logger: silentLogger,
    });
    try {
      const db = after.database.db;
      const rows = db
        .select({ id: spendLogs.requestId, cost: spendLogs.costNanos })
        .from(spendLogs)
        .all();
      const ids = new Set(rows.map((row) => row.id));
      expect(ids.size).toBe(rows.length);
      const missing = safe.filter((request) => !ids.has(request.id));
      expect(missing).toEqual([]);
      // Nothing that never completed on the client side is invented, either.
      expect(rows.length).toBeLessThanOrEqual(completed.length + 16);

      const total = rows.reduce((sum, row) => sum + row.cost, 0);
      const keySpend = db
        .select({ spend: apiKeys.spendNanos })
        .from(apiKeys)
        .where(sql`${apiKeys.id} = ${apiKey.id}`)
        .get();
      expect(keySpend?.spend).toBe(total);
      const daily = db
        .select({
          cost: sql<number>`sum(${spendDaily.costNanos})`,
          requests: sql<number>`sum(${spendDaily.requests})`,
        })
        .from(spendDaily)
        .get();
      expect(Number(daily?.cost)).toBe(total);
      expect(Number(daily?.requests)).toBe(rows.length);
      // The live budget counter is rebuilt from the rows on start.
      expect(after.ledger.snapshot({ kind: 'key', id: apiKey.id })?.spentNanos).toBe(total);
    } finally {
      await after.close();
    }
  }, 60_000);
});
