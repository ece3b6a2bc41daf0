import OpenAI, { type APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetAlert } from '../../src/accounting/alert-bus.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { answerAll, clientFor, COST_PER_REQUEST_USD, MESSAGES, pricedConfig } from './support.js';

const MASTER = { kind: 'master' as const };

describe('virtual keys, budgets and rate limits through the openai SDK', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let clock = Date.parse('2026-11-24T12:00:00Z');

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    answerAll(upstream);
    gateway = await startTestGateway(pricedConfig(upstream), { now: () => clock });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  afterEach(() => {
    upstream.reset();
    answerAll(upstream);
  });

  it('a new key works at once, reports its cost, and its spend row is written once', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({ name: 'ci' });
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(apiKey.keyPrefix).toBe(`sk-…${key.slice(-4)}`);
    const { response } = await clientFor(gateway, key)
      .chat.completions.create({ model: 'chat', messages: MESSAGES })
      .withResponse();
    expect(Number(response.headers.get('x-tollgate-cost'))).toBeCloseTo(COST_PER_REQUEST_USD, 12);
    await gateway.tollgate.flushSpend();
    const page = requestLogs(gateway.tollgate.database.db, {
      principal: MASTER,
      filter: { keyId: apiKey.id },
      first: 10,
    });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({
      keyId: apiKey.id,
      requestedModel: 'chat',
      servedModel: 'chat',
      deploymentId: 'chat-1',
      provider: 'openai',
      promptTokens: 10,
      completionTokens: 20,
      costNanos: 50_000,
      status: 'success',
      streamed: false,
    });
    expect(page.rows[0]?.attempts).toEqual([
      expect.objectContaining({ deploymentId: 'chat-1', provider: 'openai', errorCode: null }),
    ]);
    expect(gateway.tollgate.keys.getKey(apiKey.id)?.spend).toBeCloseTo(COST_PER_REQUEST_USD, 12);
  });

  it('revoked, rotated, expired and blocked keys are refused at once', async () => {
    const revoked = gateway.tollgate.keys.createKey({});
    gateway.tollgate.keys.revokeKey(revoked.apiKey.id);
    await expect(clientFor(gateway, revoked.key).models.list()).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );

    const rotated = gateway.tollgate.keys.createKey({});
    const fresh = gateway.tollgate.keys.rotateKey(rotated.apiKey.id);
    await expect(
      clientFor(gateway, rotated.key).chat.completions.create({
        model: 'chat',
        messages: MESSAGES,
      }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await clientFor(gateway, fresh.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
    });

    const expiring = gateway.tollgate.keys.createKey({ expiresAt: clock + 60_000 });
    await clientFor(gateway, expiring.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
    });
    clock += 61_000;
    const expired = await clientFor(gateway, expiring.key)
      .chat.completions.create({ model: 'chat', messages: MESSAGES })
      .catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((expired as APIError).message).toContain('expired');

    const blocked = gateway.tollgate.keys.createKey({});
    gateway.tollgate.keys.updateKey(blocked.apiKey.id, { blocked: true });
    await expect(
      clientFor(gateway, blocked.key).chat.completions.create({
        model: 'chat',
        messages: MESSAGES,
      }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('a key only uses its allowed models (403 otherwise) and lists only those', async () => {
    const { key } = gateway.tollgate.keys.createKey({ models: ['other'] });
    const client = clientFor(gateway, key);
    const refused = await client.chat.completions
      .create({ model: 'chat', messages: MESSAGES })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as APIError).error).toMatchObject({
      code: 'model_not_allowed',
      layer: 'policy',
    });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['other']);
    expect(upstream.requests).toHaveLength(0);
  });

  it('an exhausted budget is a 429 budget_exceeded that never reaches the upstream, until the period resets', async () => {
    const { key } = gateway.tollgate.keys.createKey({
      maxBudget: COST_PER_REQUEST_USD * 3,
      budgetDuration: '1d',
    });
    const client = clientFor(gateway, key);
    // max_tokens bounds the reservation: 20 tokens out, "hello" in.
    const ask = () =>
      client.chat.completions.create({ model: 'chat', messages: MESSAGES, max_tokens: 20 });
    await ask();
    await ask();
    const refused = await ask().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as APIError).error).toMatchObject({
      code: 'budget_exceeded',
      type: 'budget_exceeded',
      layer: 'policy',
    });
    expect(upstream.requests).toHaveLength(2);
    clock += 86_400_000;
    await ask();
    expect(upstream.requests).toHaveLength(3);
  });

  it('a team budget applies across its keys', async () => {
    const team = gateway.tollgate.keys.createTeam({
      name: 'research',
      maxBudget: COST_PER_REQUEST_USD * 3,
    });
    const a = gateway.tollgate.keys.createKey({ teamId: team.id });
    const b = gateway.tollgate.keys.createKey({ teamId: team.id });
    await clientFor(gateway, a.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      max_tokens: 20,
    });
    await clientFor(gateway, b.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      max_tokens: 20,
    });
    const refused = await clientFor(gateway, a.key)
      .chat.completions.create({ model: 'chat', messages: MESSAGES, max_tokens: 20 })
      .catch((e: unknown) => e);
    expect((refused as APIError).error).toMatchObject({ code: 'budget_exceeded' });
    expect((refused as APIError).message).toContain('team budget');
    expect(gateway.tollgate.keys.getTeam(team.id)?.periodSpend).toBeCloseTo(
      COST_PER_REQUEST_USD * 2,
      12,
    );
  });

  it('a soft budget alert fires once per period', async () => {
    const alerts: BudgetAlert[] = [];
    const unsubscribe = gateway.tollgate.alerts.subscribe((alert) => alerts.push(alert));
    const { key, apiKey } = gateway.tollgate.keys.createKey({
      softBudget: COST_PER_REQUEST_USD * 1.5,
      budgetDuration: '1h',
    });
    const client = clientFor(gateway, key);
    for (let index = 0; index < 4; index += 1)
      await client.chat.completions.create({ model: 'chat', messages: MESSAGES });
    unsubscribe();
    const mine = alerts.filter((alert) => alert.subject.id === apiKey.id);
    expect(mine.map((alert) => alert.type)).toEqual(['soft_budget_reached']);
    expect(mine[0]?.spendUsd).toBeCloseTo(COST_PER_REQUEST_USD * 2, 12);
  });

  it('rate limits answer 429 rate_limit_exceeded with Retry-After and remaining headers', async () => {
    const { key } = gateway.tollgate.keys.createKey({ rpmLimit: 2 });
    const client = clientFor(gateway, key);
    const first = await client.chat.completions
      .create({ model: 'chat', messages: MESSAGES })
      .withResponse();
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    await client.chat.completions.create({ model: 'chat', messages: MESSAGES });
    const refused = await client.chat.completions
      .create({ model: 'chat', messages: MESSAGES })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as APIError).error).toMatchObject({
      code: 'rate_limit_exceeded',
      type: 'rate_limit_exceeded',
    });
    expect(Number((refused as APIError).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(upstream.requests).toHaveLength(2);
  });

  it('a changed key or team rate limit applies to the next request', async () => {
    const keys = gateway.tollgate.keys;
    const team = keys.createTeam({ name: 'limits-change' });
    const { key, apiKey } = keys.createKey({ teamId: team.id, rpmLimit: 100 });
    const client = clientFor(gateway, key);
    const send = () =>
      client.chat.completions
        .create({ model: 'chat', messages: MESSAGES })
        .catch((e: unknown) => e);
    expect(await send()).not.toBeInstanceOf(Error);
    keys.updateKey(apiKey.id, { rpmLimit: 1 });
    expect(await send()).toBeInstanceOf(OpenAI.RateLimitError);
    keys.updateKey(apiKey.id, { rpmLimit: null });
    keys.updateTeam(team.id, { rpmLimit: 1 });
    expect(await send()).not.toBeInstanceOf(Error);
    const refused = await send();
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as APIError).message).toMatch(/this team/);
    expect(upstream.requests).toHaveLength(2);
  });
});
