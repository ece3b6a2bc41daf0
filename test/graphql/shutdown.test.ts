import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpendLogRow } from '../../src/db/schema/spend-logs.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';
import { pricedConfig, streamChunks } from '../accounting/support.js';
import { CHAT_SUBSCRIPTION, wsClient, type ChatChunkData } from './support.js';

/** The key's spend rows as they are when the gateway closes its database (the last moment). */
function rowsAtDatabaseClose(gateway: TestGateway, keyId: string): Promise<SpendLogRow[]> {
  const database = gateway.tollgate.database;
  const close = database.close.bind(database);
  return new Promise((resolve) => {
    Object.assign(database, {
      close: () => {
        resolve(
          requestLogs(database.db, { principal: { kind: 'master' }, filter: { keyId }, first: 10 })
            .rows,
        );
        close();
      },
    });
  });
}

describe('graceful shutdown with graphql-ws clients', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('ends alert feeds at once, cuts a stream still running at the bound, closes the sockets, and the stream is accounted', async () => {
    const gateway = await startTestGateway(pricedConfig(upstream), { shutdownTimeoutMs: 300 });
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    const rows = rowsAtDatabaseClose(gateway, apiKey.id);
    upstream.enqueue(reply.sse(streamChunks(100), { chunkDelayMs: 100 }));

    const client = wsClient(gateway, { authorization: `Bearer ${key}` });
    const admin = wsClient(gateway, { authorization: `Bearer ${TEST_MASTER_KEY}` });
    const alerts = (async () => {
      for await (const _alert of admin.iterate({
        query: 'subscription { budgetAlerts { type } }',
      })) {
        // none expected
      }
      return performance.now();
    })();
    let chunks = 0;
    const stream = (async () => {
      for await (const _result of client.iterate<ChatChunkData>({
        query: CHAT_SUBSCRIPTION,
        variables: { input: { model: 'chat', messages: [{ role: 'USER', content: 'hi' }] } },
      })) {
        chunks += 1;
      }
    })().catch((error: unknown) => error);
    await upstream.waitForRequest(0);
    while (chunks < 2) await new Promise((resolve) => setTimeout(resolve, 10));

    const started = performance.now();
    const closing = gateway.close();
    // The alert feed ends as shutdown begins, without waiting for the bound.
    expect((await alerts) - started).toBeLessThan(200);
    // The stream still running at the 300 ms bound is cut: the client sees the server go away.
    expect(await stream).toMatchObject({ code: 1001 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(chunks).toBeLessThan(50);
    await closing;
    const request = await upstream.waitForRequest(0);
    expect((await request.closed).finished).toBe(false);
    await Promise.all([client.dispose(), admin.dispose()]);

    // Its one row was written before the database closed.
    const written = await rows;
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ status: 'cancelled', streamed: true });
  });
});
