import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spendLogs } from '../../src/db/schema/spend-logs.js';
import { answerAll, clientFor, COST_PER_REQUEST_USD } from '../accounting/support.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { cachedConfig } from './support.js';

const question = (text: string) => [{ role: 'user' as const, content: text }];

describe('exact cache in memory, through the gateway and the openai SDK', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let clock = 1_750_000_000_000;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway(cachedConfig(upstream, { type: 'local', ttl: 60 }), {
      now: () => clock,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.reset();
    answerAll(upstream);
  });

  async function ask(content: string, extra: Record<string, unknown> = {}) {
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: 'chat', messages: question(content), ...extra })
      .withResponse();
    return {
      data,
      cache: response.headers.get('x-tollgate-cache'),
      cost: response.headers.get('x-tollgate-cost'),
    };
  }

  it('misses, then serves the stored answer without calling the upstream, priced at 0', async () => {
    const first = await ask('what is a tollgate?');
    const second = await ask('what is a tollgate?');
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.data).toEqual(first.data);
    expect(upstream.requests).toHaveLength(1);
    expect(Number(second.cost)).toBe(0);

    await gateway.tollgate.flushSpend();
    const rows = await gateway.tollgate.database.db
      .select()
      .from(spendLogs)
      .orderBy(asc(spendLogs.startTime));
    const last = rows.slice(-2);
    expect(last.map((row) => row.cacheStatus)).toEqual(['miss', 'hit']);
    expect(last[1]?.costNanos).toBe(0);
    expect(last[1]?.costSavedNanos).toBe(Math.round(COST_PER_REQUEST_USD * 1e9));
    expect(last[0]?.costNanos).toBe(Math.round(COST_PER_REQUEST_USD * 1e9));
  });

  it('keys on what changes the answer, not on field order or irrelevant fields', async () => {
    await ask('stable key', { temperature: 0.2, user: 'alice', metadata: { run: '1' } });
    const reordered = await gateway.openai.chat.completions
      .create({
        metadata: { run: '2' },
        user: 'bob',
        temperature: 0.2,
        messages: question('stable key'),
        model: 'chat',
      })
      .withResponse();
    expect(reordered.response.headers.get('x-tollgate-cache')).toBe('hit');
    const hotter = await ask('stable key', { temperature: 0.9 });
    expect(hotter.cache).toBe('miss');
    const withSeed = await ask('stable key', { temperature: 0.2, seed: 7 });
    expect(withSeed.cache).toBe('miss');
    expect(upstream.requests).toHaveLength(3);
  });

  it('expires entries after the ttl (the gateway clock)', async () => {
    await ask('short lived');
    clock += 59_000;
    expect((await ask('short lived')).cache).toBe('hit');
    clock += 2_000;
    expect((await ask('short lived')).cache).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
  });

  it('honours no-cache, no-store, ttl and namespace in the body', async () => {
    await ask('controls');
    expect((await ask('controls', { cache: { 'no-cache': true } })).cache).toBe('miss');
    expect((await ask('controls', { cache: { namespace: 'eval-7' } })).cache).toBe('miss');
    expect((await ask('controls', { cache: { namespace: 'eval-7' } })).cache).toBe('hit');
    await ask('not stored', { cache: { 'no-store': true } });
    expect((await ask('not stored')).cache).toBe('miss');
    await ask('one second', { cache: { ttl: 1 } });
    clock += 1_500;
    expect((await ask('one second')).cache).toBe('miss');
    expect(upstream.requests).toHaveLength(7);
  });

  it("scopes entries by team: team A never sees team B's answer", async () => {
    const keys = gateway.tollgate.keys;
    const teamA = keys.createTeam({ name: 'a' });
    const teamB = keys.createTeam({ name: 'b' });
    const a1 = clientFor(gateway, keys.createKey({ teamId: teamA.id }).key);
    const a2 = clientFor(gateway, keys.createKey({ teamId: teamA.id }).key);
    const b1 = clientFor(gateway, keys.createKey({ teamId: teamB.id }).key);
    const askAs = async (client: typeof a1) =>
      (
        await client.chat.completions
          .create({ model: 'chat', messages: question('tenant secret') })
          .withResponse()
      ).response.headers.get('x-tollgate-cache');
    expect(await askAs(a1)).toBe('miss');
    expect(await askAs(a2)).toBe('hit');
    expect(await askAs(b1)).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
  });

  it('lets a key whose metadata says cache_controls: false send no controls', async () => {
    const created = gateway.tollgate.keys.createKey({ metadata: { cache_controls: false } });
    const client = clientFor(gateway, created.key);
    const send = async () =>
      (
        await client.chat.completions
          .create({
            model: 'chat',
            messages: question('forced'),
            cache: { 'no-cache': true },
          } as never)
          .withResponse()
      ).response.headers.get('x-tollgate-cache');
    expect(await send()).toBe('miss');
    expect(await send()).toBe('hit');
  });

  it('coalesces 10 identical concurrent requests into 1 upstream call', async () => {
    upstream.reset();
    answerAll(upstream, 150);
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask('all at once')));
    expect(upstream.requests).toHaveLength(1);
    expect(answers.filter((answer) => answer.cache === 'miss')).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.data.choices[0]?.message.content)).size).toBe(1);
  });
});

describe('cache mode default_off', () => {
  it('caches only the requests that ask for it', async () => {
    const upstream = await startFakeUpstream();
    answerAll(upstream);
    const gateway = await startTestGateway(cachedConfig(upstream, { mode: 'default_off' }));
    try {
      const send = async (extra: Record<string, unknown>) =>
        (
          await gateway.openai.chat.completions
            .create({ model: 'chat', messages: question('opt in'), ...extra })
            .withResponse()
        ).response.headers.get('x-tollgate-cache');
      // Not looked up, not stored: still says it is not from the cache.
      expect(await send({})).toBe('miss');
      expect(await send({})).toBe('miss');
      expect(await send({ cache: { 'use-cache': true } })).toBe('miss');
      expect(await send({ cache: { 'use-cache': true } })).toBe('hit');
      expect(upstream.requests).toHaveLength(3);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
