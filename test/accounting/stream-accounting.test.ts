import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SpendLogRow } from '../../src/db/schema/spend-logs.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { clientFor, MESSAGES, pricedConfig, streamChunks } from './support.js';

async function rowsOf(gateway: TestGateway, keyId: string, count: number): Promise<SpendLogRow[]> {
  // The row is written after the stream ends on the server side: poll briefly.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await gateway.tollgate.flushSpend();
    const rows = requestLogs(gateway.tollgate.database.db, {
      principal: { kind: 'master' },
      filter: { keyId },
      first: 50,
    }).rows;
    if (rows.length >= count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('spend rows did not appear');
}

describe('stream accounting: one row per stream, however it ends', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway(pricedConfig(upstream));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('a stream read to the end: reported usage and exact cost', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(5)));
    const stream = await clientFor(gateway, key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    let cost: number | undefined;
    for await (const chunk of stream) {
      const usage = chunk.usage as { cost?: number } | null | undefined;
      if (usage?.cost !== undefined) cost = usage.cost;
    }
    expect(cost).toBeCloseTo(0.00005, 12);
    const [row] = await rowsOf(gateway, apiKey.id, 1);
    expect(row).toMatchObject({
      status: 'success',
      streamed: true,
      promptTokens: 10,
      completionTokens: 20,
      costNanos: 50_000,
      usageEstimated: false,
    });
    expect(row?.timeToFirstTokenMs).toBeGreaterThan(0);
  });

  it('a stream the client cancels after 3 chunks: one cancelled row with estimated usage', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(30), { chunkDelayMs: 40 }));
    const controller = new AbortController();
    const stream = await clientFor(gateway, key).chat.completions.create(
      { model: 'chat', messages: MESSAGES, stream: true },
      { signal: controller.signal },
    );
    let chunks = 0;
    await (async () => {
      for await (const _chunk of stream) {
        chunks += 1;
        if (chunks === 3) controller.abort();
      }
    })().catch(() => undefined);
    const rows = await rowsOf(gateway, apiKey.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await rowsOf(gateway, apiKey.id, 1)).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ status: 'cancelled', streamed: true, usageEstimated: true });
    // "hello" → 7 prompt tokens by the o200k estimate; the words passed on before the abort.
    expect(row.promptTokens).toBe(7);
    expect(row.completionTokens).toBeGreaterThanOrEqual(2);
    expect(row.completionTokens).toBeLessThan(30);
    expect(row.costNanos).toBe(row.promptTokens * 1_000 + row.completionTokens * 2_000);
  });

  it('a stream that fails upstream mid-way: one error row with estimated usage', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(10), { resetAfterChunk: 4 }));
    const stream = await clientFor(gateway, key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      stream: true,
    });
    await (async () => {
      for await (const _chunk of stream) void _chunk;
    })().catch(() => undefined);
    const [row] = await rowsOf(gateway, apiKey.id, 1);
    expect(row).toMatchObject({
      status: 'error',
      errorCode: 'upstream_connection_failed',
      errorLayer: 'provider',
      usageEstimated: true,
      promptTokens: 7,
    });
    expect(row?.completionTokens).toBeGreaterThanOrEqual(2);
    expect(row?.costNanos).toBe(
      (row?.promptTokens ?? 0) * 1_000 + (row?.completionTokens ?? 0) * 2_000,
    );
  });

  it('a server that streams no usage: estimated tokens, priced, and flagged on the row', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    // streamChunks minus its usage chunk: what a server that ignores include_usage sends.
    upstream.enqueue(reply.sse(streamChunks(4).slice(0, -1)));
    const stream = await clientFor(gateway, key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      stream: true,
    });
    for await (const _chunk of stream) void _chunk;
    const [row] = await rowsOf(gateway, apiKey.id, 1);
    expect(row).toMatchObject({ status: 'success', usageEstimated: true, promptTokens: 7 });
    expect(row?.completionTokens).toBeGreaterThanOrEqual(4);
    expect(row?.costNanos).toBe(
      (row?.promptTokens ?? 0) * 1_000 + (row?.completionTokens ?? 0) * 2_000,
    );
  });
});
