import { isTrackedEnvelope, TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatChunk } from '../../src/core/chat-chunk.js';
import { GatewayError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { Tollgate } from '../../src/tollgate.js';
import { createTrpcContext } from '../../src/trpc/context.js';
import { StartedStreams } from '../../src/trpc/started-streams.js';
import { gatewayErrorOf } from '../../src/trpc/gateway-error-of.js';
import { appRouter } from '../../src/trpc/routers/_app.js';
import { createCallerFactory } from '../../src/trpc/trpc.js';
import { toGatewayErrorData } from '../../src/trpc/trpc-error-data.js';
import { trpcCodeForStatus } from '../../src/trpc/trpc-error-code.js';
import { MOCK_CONFIG, TEST_MASTER_KEY } from '../support/test-gateway.js';

/** Procedures called in-process through createCaller: no port, no HTTP (STYLE habit 11). */

const createCaller = createCallerFactory(appRouter);
const messages = [{ role: 'user' as const, content: 'hello there' }];

let tollgate: Tollgate;
beforeAll(() => {
  tollgate = Tollgate.create({
    config: MOCK_CONFIG,
    env: {},
    database: ':memory:',
    masterKey: TEST_MASTER_KEY,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await tollgate.close();
});

async function callerFor(credential: string | undefined) {
  return createCaller(
    await createTrpcContext(tollgate, { credential, receivedAt: performance.now() }),
  );
}

/**
 * createCaller hands out the generator's own values, tracked envelopes `[id, chunk]` (tRPC types
 * them as the `{ id, data }` a client receives over SSE).
 */
function untrack(event: unknown): [string, ChatChunk] {
  if (!isTrackedEnvelope(event)) throw new Error('expected a tracked event');
  return [event[0], event[1] as ChatChunk];
}

async function rowsOf(keyId: string) {
  await tollgate.flushSpend();
  return requestLogs(tollgate.database.db, {
    principal: { kind: 'master' },
    filter: { keyId },
    first: 10,
  }).rows;
}

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('context', () => {
  it('authenticates the master key and virtual keys with the pipeline', async () => {
    const master = await createTrpcContext(tollgate, {
      credential: TEST_MASTER_KEY,
      receivedAt: 0,
    });
    expect(master.principal).toEqual({ kind: 'master' });
    const { key, apiKey } = tollgate.keys.createKey({ name: 'ctx' });
    const virtual = await createTrpcContext(tollgate, { credential: key, receivedAt: 0 });
    expect(virtual.principal).toMatchObject({ kind: 'virtual_key', keyId: apiKey.id });
  });

  it('refuses a missing or unknown key with the gateway errors', async () => {
    await expect(
      createTrpcContext(tollgate, { credential: undefined, receivedAt: 0 }),
    ).rejects.toMatchObject({
      code: 'missing_api_key',
    });
    await expect(
      createTrpcContext(tollgate, { credential: 'sk-nope', receivedAt: 0 }),
    ).rejects.toMatchObject({
      code: 'invalid_api_key',
    });
  });
});

describe('completions', () => {
  it('create runs the pipeline (mock provider)', async () => {
    const caller = await callerFor(TEST_MASTER_KEY);
    const response = await caller.completions.create({ model: 'mock/echo', messages });
    expect(response.object).toBe('chat.completion');
    expect(response.choices[0]?.message.content).toBe('hello there');
  });

  it('stream yields tracked chunks named after the request', async () => {
    const caller = await callerFor(TEST_MASTER_KEY);
    const events: Array<[string, ChatChunk]> = [];
    for await (const event of await caller.completions.stream({ model: 'mock/echo', messages })) {
      events.push(untrack(event));
    }
    const ids = events.map(([id]) => id);
    const requestId = ids[0]?.split(':')[0];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids).toEqual(ids.map((_, index) => `${requestId}:${index}`));
    const text = events.map(([, chunk]) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('hello there');
  });

  it('a stream reopened with a lastEventId never reaches the pipeline', async () => {
    const { key, apiKey } = tollgate.keys.createKey({ name: 'reconnect' });
    const caller = await callerFor(key);
    const stream = await caller.completions.stream({
      model: 'mock/echo',
      messages,
      lastEventId: '4b1d3c7e-0000-4000-8000-000000000000:3',
    });
    const error = await stream[Symbol.asyncIterator]()
      .next()
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'invalid_request', param: 'lastEventId' });
    expect((error as GatewayError).message).toContain('4b1d3c7e-0000-4000-8000-000000000000');
    expect(await rowsOf(apiKey.id)).toEqual([]);
  });

  it('a second stream with the same Idempotency-Key never reaches the pipeline', async () => {
    const { key, apiKey } = tollgate.keys.createKey({ name: 'idempotent' });
    const context = await createTrpcContext(tollgate, {
      credential: key,
      receivedAt: performance.now(),
      idempotencyKey: 'subscription-7',
    });
    const first = await createCaller(context).completions.stream({ model: 'mock/echo', messages });
    for await (const event of first) untrack(event);
    const second = await createCaller(context).completions.stream({ model: 'mock/echo', messages });
    const error = await second[Symbol.asyncIterator]()
      .next()
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toMatchObject({ code: 'invalid_request', param: 'Idempotency-Key' });
    expect(await rowsOf(apiKey.id)).toHaveLength(1);
    // Keys are per caller: the master key's `subscription-7` is another stream.
    const master = await createTrpcContext(tollgate, {
      credential: TEST_MASTER_KEY,
      receivedAt: performance.now(),
      idempotencyKey: 'subscription-7',
    });
    const other = await createCaller(master).completions.stream({ model: 'mock/echo', messages });
    for await (const event of other) untrack(event);
  });

  it('idempotency keys are remembered for ten minutes', () => {
    const started = new StartedStreams();
    expect(started.claim('a', 0)).toBe(true);
    expect(started.claim('a', 9 * 60_000)).toBe(false);
    expect(started.claim('a', 10 * 60_000)).toBe(true);
  });

  it('an unknown model is NOT_FOUND, with the gateway error as the cause', async () => {
    const caller = await callerFor(TEST_MASTER_KEY);
    const error = await rejection(caller.completions.create({ model: 'nope', messages }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.cause).toMatchObject({ code: 'model_not_found', layer: 'client' });
  });

  it('invalid input is BAD_REQUEST naming the field', async () => {
    const caller = await callerFor(TEST_MASTER_KEY);
    const error = await rejection(
      caller.completions.create({ model: 'mock/echo', messages: [], temperature: 7 }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(gatewayErrorOf(error)).toMatchObject({ code: 'invalid_request', param: 'messages' });
    expect(gatewayErrorOf(error).message).toContain('temperature');
  });

  it('a rejected input is still accounted once, like a rejected REST body', async () => {
    const { key, apiKey } = tollgate.keys.createKey({ name: 'bad-input' });
    const caller = await callerFor(key);
    await rejection(caller.completions.create({ model: 'mock/echo', messages: [] }));
    expect(await rowsOf(apiKey.id)).toEqual([
      expect.objectContaining({ status: 'error', errorCode: 'invalid_request', costNanos: 0 }),
    ]);
  });

  it('streaming flags belong to their procedures', async () => {
    const caller = await callerFor(TEST_MASTER_KEY);
    const error = await rejection(
      // @ts-expect-error: completions.create does not stream.
      caller.completions.create({ model: 'mock/echo', messages, stream: true }),
    );
    expect(gatewayErrorOf(error)).toMatchObject({ code: 'invalid_request', param: 'stream' });
  });
});

describe('models, keys, teams and spend', () => {
  it('models.list is scoped to the key', async () => {
    const master = await callerFor(TEST_MASTER_KEY);
    expect((await master.models.list()).data.map((model) => model.id)).toEqual([
      'mock/echo',
      'slow',
      'mock/*',
    ]);
    const { key } = tollgate.keys.createKey({ models: ['slow'] });
    const limited = await callerFor(key);
    expect((await limited.models.list()).data.map((model) => model.id)).toEqual(['slow']);
    const error = await rejection(limited.models.get({ id: 'mock/echo' }));
    expect(error.code).toBe('NOT_FOUND');
  });

  it('keys: the master key manages keys, a virtual key sees only itself', async () => {
    const master = await callerFor(TEST_MASTER_KEY);
    const team = await master.teams.create({ name: 'research', maxBudget: 10 });
    const created = await master.keys.create({ name: 'alice', teamId: team.id, rpmLimit: 5 });
    expect(created.key).toMatch(/^sk-/);
    expect(created.apiKey).toMatchObject({ name: 'alice', teamId: team.id, rpmLimit: 5 });
    const other = await master.keys.create({ name: 'bob' });

    const alice = await callerFor(created.key);
    expect((await alice.keys.list()).map((key) => key.id)).toEqual([created.apiKey.id]);
    expect(await alice.keys.get({ id: created.apiKey.id })).toMatchObject({ name: 'alice' });
    expect((await rejection(alice.keys.get({ id: other.apiKey.id }))).code).toBe('NOT_FOUND');
    expect((await rejection(alice.keys.create({ name: 'mallory' }))).code).toBe('FORBIDDEN');
    expect((await rejection(alice.keys.revoke({ id: other.apiKey.id }))).code).toBe('FORBIDDEN');
    expect((await alice.teams.list()).map((row) => row.id)).toEqual([team.id]);
    expect((await rejection(alice.teams.delete({ id: team.id }))).code).toBe('FORBIDDEN');

    const updated = await master.keys.update({
      id: created.apiKey.id,
      maxBudget: 2,
      blocked: true,
    });
    expect(updated).toMatchObject({ maxBudget: 2, blocked: true, rpmLimit: 5 });
    const rotated = await master.keys.rotate({ id: other.apiKey.id });
    expect(rotated.key).not.toBe(other.key);
    expect((await master.keys.revoke({ id: other.apiKey.id })).revoked).toBe(true);
    expect((await master.teams.update({ id: team.id, name: 'lab' })).name).toBe('lab');
    expect((await master.keys.list({ teamId: team.id })).map((key) => key.id)).toEqual([
      created.apiKey.id,
    ]);
  });

  it('spend.summary and spend.logs read the spend rows, scoped to the key', async () => {
    const { key, apiKey } = tollgate.keys.createKey({ name: 'spender' });
    const caller = await callerFor(key);
    await caller.completions.create({ model: 'mock/echo', messages });
    await caller.embeddings.create({ model: 'mock/echo', input: ['a', 'b'] });
    await tollgate.flushSpend();
    const summary = await caller.spend.summary({ groupBy: 'KEY' });
    expect(summary).toEqual([expect.objectContaining({ group: apiKey.id, requests: 2 })]);
    const page = await caller.spend.logs({ first: 1 });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({ keyId: apiKey.id, kind: 'embeddings', status: 'success' });
    expect(page.hasNextPage).toBe(true);
    const next = await caller.spend.logs({ first: 1, after: page.endCursor });
    expect(next.rows[0]).toMatchObject({ kind: 'chat', servedModel: 'mock/echo' });
    expect(next.rows[0]?.attempts).toEqual([
      expect.objectContaining({ provider: 'mock', errorCode: null }),
    ]);
  });
});

describe('error mapping', () => {
  it('maps gateway statuses to tRPC codes', () => {
    const cases: Array<[number, string]> = [
      [400, 'BAD_REQUEST'],
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [408, 'TIMEOUT'],
      [413, 'PAYLOAD_TOO_LARGE'],
      [429, 'TOO_MANY_REQUESTS'],
      [499, 'CLIENT_CLOSED_REQUEST'],
      [500, 'INTERNAL_SERVER_ERROR'],
      [502, 'BAD_GATEWAY'],
      [503, 'SERVICE_UNAVAILABLE'],
      [504, 'GATEWAY_TIMEOUT'],
    ];
    for (const [status, code] of cases) expect(trpcCodeForStatus(status)).toBe(code);
  });

  it('keeps upstream details for provider errors only', () => {
    const provider = new GatewayError('upstream_error', 'boom', {
      provider: 'openai',
      upstreamStatus: 500,
      upstreamBody: '{"error":"x"}',
    });
    expect(toGatewayErrorData(provider)).toEqual({
      code: 'upstream_error',
      type: 'api_error',
      layer: 'provider',
      status: 502,
      param: null,
      retryable: true,
      provider: 'openai',
      upstreamStatus: 500,
      upstreamBody: '{"error":"x"}',
    });
    const limited = new GatewayError('rate_limit_exceeded', 'slow down', { retryAfterSeconds: 3 });
    expect(toGatewayErrorData(limited)).toMatchObject({ layer: 'policy', retryAfterSeconds: 3 });
  });

  it('masks errors that are not the gateway’s', () => {
    const bug = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new Error('secret detail') });
    const masked = gatewayErrorOf(bug);
    expect(masked).toMatchObject({ code: 'internal_error', message: 'Internal gateway error' });
  });
});
