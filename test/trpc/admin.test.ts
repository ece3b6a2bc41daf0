import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';
import {
  answerAll,
  clientFor,
  COST_PER_REQUEST_USD,
  MESSAGES,
  pricedConfig,
} from '../accounting/support.js';
import { gatewayClient, spendRows } from './support.js';

/** Keys, teams, spend, models and embeddings over real HTTP through @trpc/client. */

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
beforeEach(() => {
  upstream.reset();
  answerAll(upstream);
});

describe('keys and teams', () => {
  it('lifecycle with the master key: create, use, update, rotate, revoke', async () => {
    const admin = gatewayClient(gateway, TEST_MASTER_KEY);
    const team = await admin.teams.create.mutate({ name: 'platform', rpmLimit: 100 });
    const created = await admin.keys.create.mutate({
      name: 'svc',
      teamId: team.id,
      models: ['chat'],
      maxBudget: 1,
      budgetDuration: '30d',
      metadata: { owner: 'ops' },
    });
    expect(created.apiKey).toMatchObject({
      name: 'svc',
      teamId: team.id,
      models: ['chat'],
      maxBudget: 1,
      budgetDuration: '30d',
      metadata: { owner: 'ops' },
      revoked: false,
    });
    const service = gatewayClient(gateway, created.key);
    await service.completions.create.mutate({ model: 'chat', messages: MESSAGES });
    expect((await service.models.list.query()).data.map((model) => model.id)).toEqual(['chat']);

    expect(await admin.keys.get.query({ id: created.apiKey.id })).toMatchObject({
      periodSpend: expect.closeTo(COST_PER_REQUEST_USD, 12) as number,
    });
    const updated = await admin.keys.update.mutate({ id: created.apiKey.id, rpmLimit: 7 });
    expect(updated).toMatchObject({ rpmLimit: 7, maxBudget: 1 });

    const rotated = await admin.keys.rotate.mutate({ id: created.apiKey.id });
    const old = await service.models.list.query().catch((reason: unknown) => reason);
    expect(old).toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    const renewed = gatewayClient(gateway, rotated.key);
    expect((await renewed.keys.list.query()).map((key) => key.id)).toEqual([created.apiKey.id]);

    expect((await admin.keys.revoke.mutate({ id: created.apiKey.id })).revoked).toBe(true);
    const revoked = await renewed.models.list.query().catch((reason: unknown) => reason);
    expect(revoked).toMatchObject({ data: { code: 'UNAUTHORIZED' } });

    expect((await admin.teams.update.mutate({ id: team.id, name: 'infra' })).name).toBe('infra');
    expect((await admin.teams.list.query()).map((row) => row.name)).toContain('infra');
    expect((await admin.teams.delete.mutate({ id: team.id })).id).toBe(team.id);
  });

  it('a virtual key sees only itself and cannot administer', async () => {
    const admin = gatewayClient(gateway, TEST_MASTER_KEY);
    const mine = await admin.keys.create.mutate({ name: 'mine' });
    const theirs = await admin.keys.create.mutate({ name: 'theirs' });
    const client = gatewayClient(gateway, mine.key);

    expect((await client.keys.list.query()).map((key) => key.id)).toEqual([mine.apiKey.id]);
    for (const attempt of [
      client.keys.get.query({ id: theirs.apiKey.id }),
      client.keys.rotate.mutate({ id: theirs.apiKey.id }),
    ]) {
      expect(await attempt.catch((reason: unknown) => reason)).toMatchObject({
        data: { code: 'NOT_FOUND', gateway: { code: 'not_found' } },
      });
    }
    for (const attempt of [
      client.keys.create.mutate({ name: 'escalate' }),
      client.keys.update.mutate({ id: mine.apiKey.id, maxBudget: 1_000 }),
      client.keys.revoke.mutate({ id: theirs.apiKey.id }),
      client.teams.create.mutate({ name: 'rogue' }),
    ]) {
      expect(await attempt.catch((reason: unknown) => reason)).toMatchObject({
        data: {
          code: 'FORBIDDEN',
          httpStatus: 403,
          gateway: { code: 'forbidden', layer: 'policy' },
        },
      });
    }
    // A key may rotate itself (after a leak, say).
    const rotated = await client.keys.rotate.mutate({ id: mine.apiKey.id });
    expect(rotated.apiKey.id).toBe(mine.apiKey.id);
  });
});

describe('spend', () => {
  it('summary and logs show exactly the key’s requests and costs', async () => {
    const admin = gatewayClient(gateway, TEST_MASTER_KEY);
    const a = await admin.keys.create.mutate({ name: 'a' });
    const b = await admin.keys.create.mutate({ name: 'b' });
    await gatewayClient(gateway, a.key).completions.create.mutate({
      model: 'chat',
      messages: MESSAGES,
    });
    await gatewayClient(gateway, a.key).completions.create.mutate({
      model: 'chat',
      messages: MESSAGES,
    });
    await gatewayClient(gateway, b.key).completions.create.mutate({
      model: 'chat',
      messages: MESSAGES,
    });
    await spendRows(gateway, { keyId: b.apiKey.id, count: 1 });
    await spendRows(gateway, { keyId: a.apiKey.id, count: 2 });

    const byKey = await admin.spend.summary.query({
      groupBy: 'KEY',
      filter: { keyId: a.apiKey.id },
    });
    expect(byKey).toEqual([
      {
        group: a.apiKey.id,
        spend: expect.closeTo(COST_PER_REQUEST_USD * 2, 12) as number,
        promptTokens: 20,
        completionTokens: 40,
        requests: 2,
        cacheHits: 0,
      },
    ]);

    // A virtual key's filter cannot reach another key's rows.
    const asB = gatewayClient(gateway, b.key);
    const own = await asB.spend.summary.query({ groupBy: 'KEY', filter: { keyId: a.apiKey.id } });
    expect(own).toEqual([expect.objectContaining({ group: b.apiKey.id, requests: 1 })]);
    const logs = await asB.spend.logs.query({ filter: { keyId: a.apiKey.id } });
    expect(logs.rows.map((row) => row.keyId)).toEqual([b.apiKey.id]);

    const first = await admin.spend.logs.query({ first: 1, filter: { keyId: a.apiKey.id } });
    expect(first.rows[0]).toMatchObject({
      keyId: a.apiKey.id,
      kind: 'chat',
      requestedModel: 'chat',
      servedModel: 'chat',
      provider: 'openai',
      costNanos: 50_000,
      status: 'success',
    });
    expect(first.hasNextPage).toBe(true);
    const second = await admin.spend.logs.query({
      first: 1,
      filter: { keyId: a.apiKey.id },
      after: first.endCursor,
    });
    expect(second.rows).toHaveLength(1);
    expect(second.hasNextPage).toBe(false);
  });

  it('the same request through REST and tRPC writes the same row shape', async () => {
    const admin = gatewayClient(gateway, TEST_MASTER_KEY);
    const { key, apiKey } = await admin.keys.create.mutate({ name: 'twins' });
    const viaRest = await clientFor(gateway, key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
    });
    const viaTrpc = await gatewayClient(gateway, key).completions.create.mutate({
      model: 'chat',
      messages: MESSAGES,
    });
    expect(viaTrpc.choices).toEqual(JSON.parse(JSON.stringify(viaRest.choices)));
    const rows = await spendRows(gateway, { keyId: apiKey.id, count: 2 });
    const comparable = rows.map(
      ({ requestId: _id, startTime: _s, endTime: _e, latencyMs: _l, attempts, ...row }) => ({
        ...row,
        attempts: attempts.map(({ latencyMs: _latency, ...attempt }) => attempt),
      }),
    );
    expect(comparable[0]).toEqual(comparable[1]);
  });
});

describe('models and embeddings', () => {
  it('models.list and models.get', async () => {
    const admin = gatewayClient(gateway, TEST_MASTER_KEY);
    expect((await admin.models.list.query()).data.map((model) => model.id)).toEqual([
      'chat',
      'other',
    ]);
    expect(await admin.models.get.query({ id: 'chat' })).toMatchObject({
      id: 'chat',
      object: 'model',
      owned_by: 'openai',
    });
  });

  it('embeddings.create goes through the pipeline and is accounted', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({});
    upstream.enqueue(
      reply.json({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 4, total_tokens: 4 },
      }),
    );
    const response = await gatewayClient(gateway, key).embeddings.create.mutate({
      model: 'chat',
      input: 'embed me',
    });
    expect(response.data[0]?.embedding).toEqual([0.25, -0.5]);
    expect((await upstream.waitForRequest(0)).path).toBe('/v1/embeddings');
    const [row] = await spendRows(gateway, { keyId: apiKey.id, count: 1 });
    expect(row).toMatchObject({ kind: 'embeddings', status: 'success', promptTokens: 4 });
    const base64 = await gatewayClient(gateway, key)
      .embeddings.create.mutate({
        model: 'chat',
        input: 'x',
        encoding_format: 'base64' as 'float',
      })
      .catch((reason: unknown) => reason);
    expect(base64).toMatchObject({
      data: { code: 'BAD_REQUEST', gateway: { param: 'encoding_format' } },
    });
  });
});
