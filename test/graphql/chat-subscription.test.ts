import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import {
  clientFor,
  COST_PER_REQUEST_USD,
  MESSAGES,
  pricedConfig,
  streamChunks,
} from '../accounting/support.js';
import {
  CHAT_SUBSCRIPTION,
  collect,
  rowsOf,
  textOf,
  wsClient,
  type ChatChunkData,
  type Result,
} from './support.js';

const INPUT = { model: 'chat', messages: [{ role: 'USER', content: 'hello' }] };

/** The text the fake upstream streams for `streamChunks(words)`. */
function upstreamText(words: number): string {
  return Array.from({ length: words }, (_, index) => ` word${index}`).join('');
}

describe('chatCompletion over graphql-ws: the REST pipeline behind a subscription', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  const clients: Client[] = [];
  const connect = (key: string): Client => {
    const client = wsClient(gateway, { authorization: `Bearer ${key}` });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway(pricedConfig(upstream));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async (client) => client.dispose()));
  });

  it('streams chunks as they come (first before the upstream finishes); they spell the upstream text; one spend row', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(5), { chunkDelayMs: 60 }));
    const results: Array<Result<ChatChunkData>> = [];
    let firstAt: number | undefined;
    for await (const result of connect(key).iterate<ChatChunkData>({
      query: CHAT_SUBSCRIPTION,
      variables: { input: INPUT },
    })) {
      firstAt ??= performance.now();
      results.push(result);
    }
    const request = await upstream.waitForRequest(0);
    const closed = await request.closed;
    expect(closed.finished).toBe(true);
    expect(firstAt).toBeLessThan(closed.at);
    expect(results.every((result) => result.errors === undefined)).toBe(true);
    expect(textOf(results)).toBe(upstreamText(5));
    const last = results.at(-1)?.data?.chatCompletion;
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ promptTokens: 10, completionTokens: 20, totalTokens: 30 });
    expect(last?.usage?.cost).toBeCloseTo(COST_PER_REQUEST_USD, 12);
    // The gateway asked the upstream for a stream with usage, like the REST shim does.
    expect(request.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });

    const rows = await rowsOf(gateway, apiKey.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await rowsOf(gateway, apiKey.id, 1)).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'success',
      streamed: true,
      promptTokens: 10,
      completionTokens: 20,
      costNanos: 50_000,
      usageEstimated: false,
    });
  });

  it('includeUsage: false leaves the usage chunk out', async () => {
    const { key } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(2)));
    const results = await collect<ChatChunkData>(connect(key), {
      query: CHAT_SUBSCRIPTION,
      variables: { input: { ...INPUT, includeUsage: false } },
    });
    expect(textOf(results)).toBe(upstreamText(2));
    expect(results.every((result) => result.data?.chatCompletion.usage == null)).toBe(true);
  });

  it('unsubscribing mid-stream closes the upstream request within 100 ms and writes one cancelled row', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    // The upstream stalls after 4 chunks: the gateway is waiting on a read when the client
    // unsubscribes, so only aborting that read (not waiting for the next chunk) is fast enough.
    upstream.enqueue(
      reply.sse(streamChunks(40), { chunkDelayMs: 20, stall: { afterChunk: 4, ms: 10_000 } }),
    );
    let received = 0;
    let unsubscribedAt = 0;
    for await (const _result of connect(key).iterate<ChatChunkData>({
      query: CHAT_SUBSCRIPTION,
      variables: { input: INPUT },
    })) {
      received += 1;
      if (received === 4) {
        unsubscribedAt = performance.now();
        break; // sends graphql-ws `complete`
      }
    }
    const request = await upstream.waitForRequest(0);
    const closed = await request.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - unsubscribedAt).toBeLessThan(100);

    const rows = await rowsOf(gateway, apiKey.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await rowsOf(gateway, apiKey.id, 1)).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'cancelled', streamed: true, usageEstimated: true });
    expect(rows[0]?.completionTokens).toBeGreaterThan(0);
    expect(rows[0]?.completionTokens).toBeLessThan(40);
  });

  it('refusals come as GraphQL errors with the REST codes: budget_exceeded, model_not_found, invalid_request', async () => {
    const poor = gateway.tollgate.keys.createKey({ maxBudget: 0.00001 });
    const [refused] = await collect<ChatChunkData>(connect(poor.key), {
      query: CHAT_SUBSCRIPTION,
      variables: { input: INPUT },
    });
    expect(refused?.data).toBeNull();
    expect(refused?.errors?.[0]?.extensions).toMatchObject({
      code: 'budget_exceeded',
      layer: 'policy',
      status: 429,
    });
    expect(upstream.requests).toHaveLength(0);
    const [row] = await rowsOf(gateway, poor.apiKey.id, 1);
    expect(row).toMatchObject({ status: 'error', errorCode: 'budget_exceeded' });

    const { key } = gateway.tollgate.keys.createKey({});
    const client = connect(key);
    const [unknown] = await collect<ChatChunkData>(client, {
      query: CHAT_SUBSCRIPTION,
      variables: { input: { ...INPUT, model: 'nope' } },
    });
    expect(unknown?.errors?.[0]?.extensions).toMatchObject({
      code: 'model_not_found',
      status: 404,
    });
    const [invalid] = await collect<ChatChunkData>(client, {
      query: CHAT_SUBSCRIPTION,
      variables: { input: { ...INPUT, temperature: 5 } },
    });
    expect(invalid?.errors?.[0]?.extensions).toMatchObject({
      code: 'invalid_request',
      param: 'temperature',
    });
    const [badParts] = await collect<ChatChunkData>(client, {
      query: CHAT_SUBSCRIPTION,
      variables: { input: { ...INPUT, tools: [{ type: 'function' }] } },
    });
    expect(badParts?.errors?.[0]?.extensions).toMatchObject({ code: 'invalid_request' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('over graphql-ws too, bad operations are answered with coded errors and the socket stays usable', async () => {
    const { key } = gateway.tollgate.keys.createKey({ name: 'still-here' });
    const client = connect(key);
    const deep = `{ ${'keys { team { '.repeat(5)}id${' } }'.repeat(5)} }`;
    for (const [query, message] of [
      [deep, 'Query depth limit of 8 exceeded'],
      ['subscription { chatCompletion(', 'Syntax Error'],
      ['{ keys { nope } }', 'Cannot query field "nope"'],
    ] as const) {
      const error: unknown = await collect(client, { query }).catch((errors: unknown) => errors);
      expect(error, query).toMatchObject([
        {
          message: expect.stringContaining(message) as string,
          extensions: { code: 'invalid_request', layer: 'client' },
        },
      ]);
    }
    const [me] = await collect<{ me: { name: string } }>(client, { query: '{ me { name } }' });
    expect(me?.data).toEqual({ me: { name: 'still-here' } });
  });

  it('a refused key closes the connection with 4401 and the error code; graphql-ws does not retry', async () => {
    for (const [params, code] of [
      [{}, 'missing_api_key'],
      [{ authorization: 'Bearer sk-wrong' }, 'invalid_api_key'],
    ] as const) {
      const client = wsClient(gateway, params);
      clients.push(client);
      const error: unknown = await collect(client, {
        query: CHAT_SUBSCRIPTION,
        variables: { input: INPUT },
      }).catch((closeEvent: unknown) => closeEvent);
      expect(error).toMatchObject({ code: 4401, reason: code });
    }
    // `{ apiKey }` works as well as `{ authorization }`.
    const { key } = gateway.tollgate.keys.createKey({ name: 'via-api-key' });
    const client = wsClient(gateway, { apiKey: key });
    clients.push(client);
    const [me] = await collect<{ me: { name: string } }>(client, { query: '{ me { name } }' });
    expect(me?.data).toEqual({ me: { name: 'via-api-key' } });
  });

  it('the same request through REST and GraphQL: the same text and the same spend row', async () => {
    const viaRest = gateway.tollgate.keys.createKey({});
    const viaGraphql = gateway.tollgate.keys.createKey({});
    upstream.enqueue(reply.sse(streamChunks(4)), reply.sse(streamChunks(4)));
    const stream = await clientFor(gateway, viaRest.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    let restText = '';
    for await (const chunk of stream) restText += chunk.choices[0]?.delta.content ?? '';
    const results = await collect<ChatChunkData>(connect(viaGraphql.key), {
      query: CHAT_SUBSCRIPTION,
      variables: { input: INPUT },
    });
    expect(textOf(results)).toBe(restText);
    const [restRow] = await rowsOf(gateway, viaRest.apiKey.id, 1);
    const [graphqlRow] = await rowsOf(gateway, viaGraphql.apiKey.id, 1);
    const shape = (row: typeof restRow) => {
      const {
        requestId: _r,
        keyId: _k,
        startTime: _s,
        endTime: _e,
        latencyMs: _l,
        timeToFirstTokenMs: _t,
        attempts,
        ...rest
      } = row!;
      return { ...rest, attempts: attempts.map(({ latencyMs: _latency, ...attempt }) => attempt) };
    };
    expect(shape(graphqlRow)).toEqual(shape(restRow));
  });
});
