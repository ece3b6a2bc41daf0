import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { spendRowFields } from '../../src/accounting/spend-row.js';
import { MESSAGES, pricedConfig, streamChunks } from '../accounting/support.js';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { collectStream, contentOf, gatewayClient } from './support.js';

/**
 * Graceful shutdown with tRPC subscriptions in flight (SPEC §1): a stream finishes if it can
 * within the shutdown bound, else it is cancelled; either way its one spend row is handed to the
 * writer before the writer (and the database) closes.
 */

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(() => upstream.reset());

async function shutDownDuringStream(shutdownTimeoutMs: number) {
  const gateway = await startTestGateway(pricedConfig(upstream), { shutdownTimeoutMs });
  const { key, apiKey } = gateway.tollgate.keys.createKey({});
  // The database is gone after shutdown: watch what reaches the spend writer, and when.
  const enqueue = vi.spyOn(gateway.tollgate.spendWriter, 'enqueue');
  const close = vi.spyOn(gateway.tollgate.spendWriter, 'close');
  let closing: Promise<void> | undefined;
  let closeStarted = 0;
  let closedAt = 0;
  const outcome = await collectStream(
    gatewayClient(gateway, key),
    { model: 'chat', messages: MESSAGES },
    (_event, control) => {
      if (control.index !== 1) return;
      closeStarted = performance.now();
      closing = gateway.close().then(() => {
        closedAt = performance.now();
        // Its EventSource would keep trying a server that is gone.
        control.unsubscribe();
      });
    },
  );
  await closing;
  const rows = enqueue.mock.calls
    .map(([row]) => spendRowFields(row))
    .filter((row) => row.keyId === apiKey.id);
  const rowsBeforeClose = enqueue.mock.invocationCallOrder.every(
    (order) => order < (close.mock.invocationCallOrder[0] ?? 0),
  );
  return { outcome, rows, rowsBeforeClose, closeStarted, shutdownMs: closedAt - closeStarted };
}

describe('shutdown with a completion stream in flight', () => {
  it('lets a stream that ends within the bound finish, and accounts it', async () => {
    upstream.enqueue(reply.sse(streamChunks(6), { chunkDelayMs: 40 }));
    const { outcome, rows, rowsBeforeClose } = await shutDownDuringStream(5_000);
    expect(outcome.error).toBeUndefined();
    expect(contentOf(outcome.events)).toBe(' word0 word1 word2 word3 word4 word5');
    expect(rows).toEqual([
      expect.objectContaining({ status: 'success', streamed: 1, costNanos: 50_000 }),
    ]);
    expect(rowsBeforeClose).toBe(true);
  });

  it('cancels a stream that outlives the bound, within it, and accounts it once', async () => {
    upstream.enqueue(reply.sse(streamChunks(6), { stall: { afterChunk: 3, ms: 10_000 } }));
    const { rows, rowsBeforeClose, closeStarted, shutdownMs } = await shutDownDuringStream(300);
    // The stream ran until the bound, then its upstream request was cancelled.
    const closed = await (await upstream.waitForRequest(0)).closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - closeStarted).toBeGreaterThanOrEqual(290);
    expect(closed.at - closeStarted).toBeLessThan(1_000);
    expect(shutdownMs).toBeLessThan(5_000);
    expect(rows).toEqual([expect.objectContaining({ status: 'cancelled', streamed: 1 })]);
    expect(rowsBeforeClose).toBe(true);
  });
});
