import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Principal } from '../../src/core/principal.js';
import { createKey, getKey, listKeys, listTeams, me, rotateKey } from '../../src/resolvers/keys.js';
import { requestLogs, spendSummary } from '../../src/resolvers/spend.js';
import { Tollgate } from '../../src/tollgate.js';

const CONFIG = {
  model_list: [
    {
      model_name: 'chat',
      litellm_params: {
        model: 'mock/echo',
        input_cost_per_token: 0.000001,
        output_cost_per_token: 0.000002,
      },
    },
    {
      model_name: 'cheap',
      litellm_params: { model: 'mock/cheap', input_cost_per_token: 0.0000001 },
    },
  ],
};
const MASTER: Principal = { kind: 'master' };

describe('key, team and spend resolvers: scopes and queries', () => {
  let tollgate: Tollgate;
  let alice: { key: string; id: string; principal: Principal };
  let bob: { key: string; id: string; principal: Principal };

  beforeAll(async () => {
    tollgate = Tollgate.create({
      config: CONFIG,
      env: {},
      database: ':memory:',
      logger: silentLogger,
    });
    const team = tollgate.keys.createTeam({ name: 'research' });
    const a = createKey(tollgate.keys, {
      principal: MASTER,
      key: { name: 'alice', teamId: team.id },
    });
    const b = createKey(tollgate.keys, { principal: MASTER, key: { name: 'bob' } });
    alice = {
      key: a.key,
      id: a.apiKey.id,
      principal: { kind: 'virtual_key', keyId: a.apiKey.id, teamId: team.id },
    };
    bob = { key: b.key, id: b.apiKey.id, principal: { kind: 'virtual_key', keyId: b.apiKey.id } };
    for (let index = 0; index < 3; index += 1) {
      await tollgate.chat(
        { model: 'chat', messages: [{ role: 'user', content: `alice ${index}` }] },
        { apiKey: alice.key },
      );
    }
    await tollgate.chat(
      { model: 'cheap', messages: [{ role: 'user', content: 'bob' }] },
      { apiKey: bob.key },
    );
    await tollgate.flushSpend();
  });
  afterAll(async () => {
    await tollgate.close();
  });

  it('a virtual key sees only itself; the master key sees every key', () => {
    expect(listKeys(tollgate.keys, { principal: alice.principal }).map((key) => key.id)).toEqual([
      alice.id,
    ]);
    expect(listKeys(tollgate.keys, { principal: MASTER }).map((key) => key.name)).toEqual([
      'alice',
      'bob',
    ]);
    expect(me(tollgate.keys, alice.principal)?.name).toBe('alice');
    expect(() => getKey(tollgate.keys, { principal: alice.principal, id: bob.id })).toThrow(
      /No key/,
    );
    expect(getKey(tollgate.keys, { principal: MASTER, id: bob.id }).name).toBe('bob');
    expect(listTeams(tollgate.keys, bob.principal)).toEqual([]);
    expect(listTeams(tollgate.keys, alice.principal).map((team) => team.name)).toEqual([
      'research',
    ]);
  });

  it('a virtual key cannot create keys, but may rotate itself', () => {
    expect(() => createKey(tollgate.keys, { principal: alice.principal, key: {} })).toThrow(
      /master key/,
    );
    expect(() => rotateKey(tollgate.keys, { principal: alice.principal, id: bob.id })).toThrow(
      /No key/,
    );
  });

  it('spend summaries group by key and model, and a key only ever sees its own spend', () => {
    const byKey = spendSummary(tollgate.database.db, {
      principal: MASTER,
      filter: {},
      groupBy: 'KEY',
    });
    const aliceGroup = byKey.find((group) => group.group === alice.id);
    expect(aliceGroup).toMatchObject({ requests: 3, cacheHits: 0 });
    expect(aliceGroup?.spend).toBeGreaterThan(0);
    const own = spendSummary(tollgate.database.db, {
      principal: bob.principal,
      filter: { keyId: alice.id },
      groupBy: 'MODEL',
    });
    expect(own).toEqual([expect.objectContaining({ group: 'cheap', requests: 1 })]);
    const byDay = spendSummary(tollgate.database.db, {
      principal: MASTER,
      filter: {},
      groupBy: 'DAY',
    });
    expect(byDay).toHaveLength(1);
    expect(byDay[0]?.group).toBe(new Date().toISOString().slice(0, 10));
    expect(byDay[0]?.requests).toBe(4);
  });

  it('request logs page newest first with a stable cursor', () => {
    const first = requestLogs(tollgate.database.db, { principal: MASTER, filter: {}, first: 3 });
    expect(first.rows).toHaveLength(3);
    expect(first.hasNextPage).toBe(true);
    const second = requestLogs(tollgate.database.db, {
      principal: MASTER,
      filter: {},
      first: 3,
      after: first.endCursor,
    });
    expect(second.rows).toHaveLength(1);
    expect(second.hasNextPage).toBe(false);
    const all = [...first.rows, ...second.rows];
    expect(new Set(all.map((row) => row.requestId)).size).toBe(4);
    const times = all.map((row) => row.startTime);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(() =>
      requestLogs(tollgate.database.db, {
        principal: MASTER,
        filter: {},
        first: 3,
        after: 'garbage',
      }),
    ).toThrow(/Invalid cursor/);
  });
});
