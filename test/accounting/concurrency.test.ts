import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestLogs } from '../../src/resolvers/spend.js';
import {
  reply,
  startFakeUpstream,
  type FakeUpstream,
  type RecordedRequest,
} from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { clientFor, completionBody, MESSAGES, pricedConfig, streamChunks } from './support.js';

/** 13 prompt bytes × 1,000 + 20 output tokens × 2,000 nano-USD: what each request reserves. */
const RESERVED_NANOS = 53_000;
const BUDGET_NANOS = 10 * RESERVED_NANOS;

describe('budgets under concurrency', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.setDefault((request: RecordedRequest) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      void request.closed.then(() => (inFlight -= 1));
      return (request.body as { stream?: boolean }).stream === true
        ? reply.sse(streamChunks(3), { delayMs: 200 })
        : reply.json(completionBody(), { delayMs: 200 });
    });
    gateway = await startTestGateway(pricedConfig(upstream));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('50 parallel requests never overspend a budget that covers about 10', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({ maxBudget: BUDGET_NANOS / 1e9 });
    const client = clientFor(gateway, key);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        try {
          if (index % 2 === 0) {
            await client.chat.completions.create({
              model: 'chat',
              messages: MESSAGES,
              max_tokens: 20,
            });
          } else {
            const stream = await client.chat.completions.create({
              model: 'chat',
              messages: MESSAGES,
              max_tokens: 20,
              stream: true,
            });
            for await (const _chunk of stream) void _chunk;
          }
          return 'admitted' as const;
        } catch (error) {
          expect(error).toBeInstanceOf(OpenAI.RateLimitError);
          expect((error as APIError).error).toMatchObject({ code: 'budget_exceeded' });
          return 'refused' as const;
        }
      }),
    );
    const admitted = outcomes.filter((outcome) => outcome === 'admitted').length;
    expect(maxInFlight).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeGreaterThanOrEqual(
      Math.floor(0.8 * Math.floor(BUDGET_NANOS / RESERVED_NANOS)),
    );
    // Refused requests never reached the upstream.
    expect(upstream.requests).toHaveLength(admitted);

    await gateway.tollgate.flushSpend();
    const rows = requestLogs(gateway.tollgate.database.db, {
      principal: { kind: 'master' },
      filter: { keyId: apiKey.id },
      first: 500,
    }).rows;
    const successes = rows.filter((row) => row.status === 'success');
    expect(successes).toHaveLength(admitted);
    expect(new Set(successes.map((row) => row.requestId)).size).toBe(admitted);
    const spent = successes.reduce((sum, row) => sum + row.costNanos, 0);
    expect(spent).toBe(admitted * 50_000);
    expect(spent).toBeLessThanOrEqual(BUDGET_NANOS);
    expect(gateway.tollgate.ledger.snapshot({ kind: 'key', id: apiKey.id })).toMatchObject({
      spentNanos: spent,
      reservedNanos: 0,
    });
  });
});
