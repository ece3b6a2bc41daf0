import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import {
  MOCK_CONFIG,
  startTestGateway,
  TEST_MASTER_KEY,
  type TestGateway,
} from '../support/test-gateway.js';
import {
  COST_PER_REQUEST_USD,
  completionBody,
  MESSAGES,
  pricedConfig,
  streamChunks,
} from '../accounting/support.js';
import { startCuttableProxy } from './cuttable-proxy.js';
import { collectStream, contentOf, gatewayClient, spendRows, trpcClient } from './support.js';

/** completions.create and completions.stream over real HTTP and SSE, through @trpc/client. */

describe('completions with the mock provider', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(MOCK_CONFIG);
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('create answers like the REST shim', async () => {
    const client = gatewayClient(gateway, TEST_MASTER_KEY);
    const viaTrpc = await client.completions.create.mutate({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'same answer' }],
    });
    const viaRest = await gateway.openai.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'same answer' }],
    });
    expect(viaTrpc.choices).toEqual(JSON.parse(JSON.stringify(viaRest.choices)));
    expect(viaTrpc.usage).toEqual(viaRest.usage);
  });

  it('stream delivers tracked chunks that concatenate to the answer', async () => {
    const { key } = gateway.tollgate.keys.createKey({});
    const outcome = await collectStream(gatewayClient(gateway, key), {
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'one two three' }],
    });
    expect(outcome.error).toBeUndefined();
    expect(contentOf(outcome.events)).toBe('one two three');
    const requestId = outcome.events[0]?.id.split(':')[0];
    expect(outcome.events.map((event) => event.id)).toEqual(
      outcome.events.map((_, index) => `${requestId}:${index}`),
    );
  });
});

describe('completions through a fake OpenAI upstream', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway({
      ...pricedConfig(upstream),
      router_settings: { num_retries: 0 },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('create: the upstream gets the request, the key gets one priced row', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.json(completionBody()));
    const response = await gatewayClient(gateway, key).completions.create.mutate({
      model: 'chat',
      messages: MESSAGES,
      max_tokens: 50,
    });
    expect(response.choices[0]?.message.content).toBe('twenty tokens of answer');
    const sent = await upstream.waitForRequest(0);
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 50 });
    const [row] = await spendRows(gateway, { keyId: apiKey.id, count: 1 });
    expect(row).toMatchObject({ status: 'success', streamed: false, costNanos: 50_000 });
  });

  it('stream: chunks arrive as the upstream sends them, the usage chunk carries the cost', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(6), { chunkDelayMs: 60 }));
    const outcome = await collectStream(gatewayClient(gateway, key), {
      model: 'chat',
      messages: MESSAGES,
      stream_options: { include_usage: true },
    });
    expect(outcome.error).toBeUndefined();
    expect(contentOf(outcome.events)).toBe(' word0 word1 word2 word3 word4 word5');
    const closed = await (await upstream.waitForRequest(0)).closed;
    // Incremental: the first chunk reached the client long before the upstream finished.
    expect(closed.at - (outcome.arrivals[0] ?? Infinity)).toBeGreaterThan(200);
    const last = outcome.events.at(-1)?.data;
    expect(last?.choices).toEqual([]);
    expect((last?.usage as { cost?: number } | undefined)?.cost).toBeCloseTo(
      COST_PER_REQUEST_USD,
      12,
    );
    const [row] = await spendRows(gateway, { keyId: apiKey.id, count: 1 });
    expect(row).toMatchObject({ status: 'success', streamed: true, costNanos: 50_000 });
  });

  it('unsubscribing cancels the upstream request within 100 ms and is accounted once', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(10), { stall: { afterChunk: 3, ms: 5_000 } }));
    let unsubscribedAt = 0;
    const outcome = await collectStream(
      gatewayClient(gateway, key),
      { model: 'chat', messages: MESSAGES },
      (event, control) => {
        if (event.data.choices[0]?.delta.content === ' word1') {
          unsubscribedAt = performance.now();
          control.unsubscribe();
        }
      },
    );
    expect(contentOf(outcome.events)).toBe(' word0 word1');
    const closed = await (await upstream.waitForRequest(0)).closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - unsubscribedAt).toBeLessThan(100);
    const rows = await spendRows(gateway, { keyId: apiKey.id, count: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await spendRows(gateway, { keyId: apiKey.id, count: 1 })).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'cancelled', streamed: true, usageEstimated: true });
  });

  it('a dropped connection makes the client reconnect, and the completion is never re-run', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    // Every request would be answered: a re-run would succeed and be billed.
    upstream.setDefault(reply.sse(streamChunks(20), { chunkDelayMs: 30 }));
    const address = gateway.server.server.address() as { port: number };
    const proxy = await startCuttableProxy({ host: '127.0.0.1', port: address.port });
    try {
      const outcome = await collectStream(
        trpcClient(proxy.url, key),
        { model: 'chat', messages: MESSAGES },
        (_event, control) => {
          if (control.index === 2) proxy.cut();
        },
      );
      // The EventSource reconnected (with Last-Event-ID) and the server refused to run it again.
      expect(proxy.connectionCount).toBeGreaterThanOrEqual(2);
      expect(outcome.error?.data).toMatchObject({
        code: 'BAD_REQUEST',
        httpStatus: 400,
        gateway: { code: 'invalid_request', param: 'lastEventId' },
      });
      const requestId = outcome.events[0]?.id.split(':')[0] ?? '';
      expect(outcome.error?.message).toContain(requestId);
      expect(outcome.events.length).toBeGreaterThanOrEqual(3);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(upstream.requests).toHaveLength(1);
      const rows = await spendRows(gateway, { keyId: apiKey.id, count: 1 });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ requestId, status: 'cancelled', streamed: true });
    } finally {
      await proxy.close();
    }
  });

  it('a connection dropped before the first chunk: the Idempotency-Key stops the re-run', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    // The upstream thinks for a second before its first byte; every request would be answered.
    upstream.setDefault(reply.sse(streamChunks(3), { delayMs: 1_000 }));
    const address = gateway.server.server.address() as { port: number };
    const proxy = await startCuttableProxy({ host: '127.0.0.1', port: address.port });
    try {
      const client = trpcClient(proxy.url, key, { idempotencyKey: 'subscription-1' });
      const outcome = collectStream(client, { model: 'chat', messages: MESSAGES });
      await upstream.waitForRequest(0);
      proxy.cut();
      const { events, error } = await outcome;
      expect(events).toEqual([]);
      expect(proxy.connectionCount).toBeGreaterThanOrEqual(2);
      expect(error?.data).toMatchObject({
        code: 'BAD_REQUEST',
        gateway: { code: 'invalid_request', param: 'Idempotency-Key' },
      });
      expect(upstream.requests).toHaveLength(1);
      const rows = await spendRows(gateway, { keyId: apiKey.id, count: 1 });
      expect(rows).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    } finally {
      await proxy.close();
    }
  });

  it('an upstream failure before the first chunk ends the subscription instead of re-running it', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.setDefault(reply.error(500, { error: { message: 'upstream is down' } }));
    const outcome = await collectStream(gatewayClient(gateway, key), {
      model: 'chat',
      messages: MESSAGES,
    });
    // onError at all means tRPC's link gave up: it only reconnects after retryable codes.
    expect(outcome.error?.data).toMatchObject({
      code: 'BAD_GATEWAY',
      httpStatus: 502,
      gateway: {
        code: 'upstream_error',
        layer: 'provider',
        provider: 'openai',
        upstreamStatus: 500,
      },
    });
    expect(outcome.error?.shape?.code).not.toBe(-32603);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream.requests).toHaveLength(1);
    expect(await spendRows(gateway, { keyId: apiKey.id, count: 1 })).toHaveLength(1);
  });
});

describe('completion errors arrive typed, with the gateway code and layer', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.setDefault(reply.json(completionBody()));
    gateway = await startTestGateway(pricedConfig(upstream));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('unknown model: NOT_FOUND (create and stream)', async () => {
    const client = gatewayClient(gateway, TEST_MASTER_KEY);
    const error = await client.completions.create
      .mutate({ model: 'nope', messages: MESSAGES })
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      data: {
        code: 'NOT_FOUND',
        httpStatus: 404,
        path: 'completions.create',
        gateway: { code: 'model_not_found', layer: 'client', param: 'model' },
      },
    });
    const streamed = await collectStream(client, { model: 'nope', messages: MESSAGES });
    expect(streamed.error?.data).toMatchObject({
      code: 'NOT_FOUND',
      gateway: { code: 'model_not_found' },
    });
  });

  it('missing or unknown key: UNAUTHORIZED, for every procedure of a batch', async () => {
    const client = gatewayClient(gateway, 'sk-not-a-key');
    const [models, completion] = await Promise.allSettled([
      client.models.list.query(),
      client.completions.create.mutate({ model: 'chat', messages: MESSAGES }),
    ]);
    for (const result of [models, completion]) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({
        data: {
          code: 'UNAUTHORIZED',
          httpStatus: 401,
          gateway: { code: 'invalid_api_key', layer: 'policy' },
        },
      });
    }
    const anonymous = await gatewayClient(gateway, undefined)
      .models.list.query()
      .catch((reason: unknown) => reason);
    expect(anonymous).toMatchObject({
      data: { code: 'UNAUTHORIZED', gateway: { code: 'missing_api_key' } },
    });
    const streamed = await collectStream(gatewayClient(gateway, 'sk-not-a-key'), {
      model: 'chat',
      messages: MESSAGES,
    });
    expect(streamed.error?.data).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('exhausted budget: TOO_MANY_REQUESTS with budget_exceeded', async () => {
    const { key } = gateway.tollgate.keys.createKey({
      // One request fits (its reservation is bounded by max_tokens), a second would overspend.
      maxBudget: COST_PER_REQUEST_USD * 2,
      budgetDuration: '1d',
    });
    const client = gatewayClient(gateway, key);
    await client.completions.create.mutate({ model: 'chat', messages: MESSAGES, max_tokens: 20 });
    const error = await client.completions.create
      .mutate({ model: 'chat', messages: MESSAGES, max_tokens: 20 })
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      data: {
        code: 'TOO_MANY_REQUESTS',
        httpStatus: 429,
        gateway: { code: 'budget_exceeded', type: 'budget_exceeded', layer: 'policy' },
      },
    });
  });

  it('rate limit: TOO_MANY_REQUESTS with rate_limit_exceeded and Retry-After', async () => {
    const { key } = gateway.tollgate.keys.createKey({ rpmLimit: 1 });
    const client = gatewayClient(gateway, key);
    await client.completions.create.mutate({ model: 'chat', messages: MESSAGES });
    const error = await client.completions.create
      .mutate({ model: 'chat', messages: MESSAGES })
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      data: {
        code: 'TOO_MANY_REQUESTS',
        gateway: { code: 'rate_limit_exceeded', retryable: false },
      },
    });
    const { data, meta } = error as {
      data: { gateway: { retryAfterSeconds?: number } };
      meta?: { response?: Response };
    };
    expect(data.gateway.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(meta?.response?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('invalid input: BAD_REQUEST naming the field, and the server keeps serving', async () => {
    const client = gatewayClient(gateway, TEST_MASTER_KEY);
    const error = await client.completions.create
      .mutate({ model: 'chat', messages: 'hello' as unknown as typeof MESSAGES })
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      data: {
        code: 'BAD_REQUEST',
        httpStatus: 400,
        gateway: { code: 'invalid_request', param: 'messages' },
      },
    });
    const unknownProcedure = await fetch(`${gateway.url}/trpc/completions.nope`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknownProcedure.status).toBe(404);
    const notJson = await fetch(`${gateway.url}/trpc/completions.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: '{"model": ',
    });
    expect(notJson.status).toBe(400);
    expect((await client.models.list.query()).data.length).toBeGreaterThan(0);
  });
});
