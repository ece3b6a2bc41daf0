import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { answerAll, clientFor, MESSAGES, pricedConfig } from '../accounting/support.js';
import { gql, gqlData, rowsOf } from './support.js';

/** A virtual key sees only itself and its own spend; admin operations need the master key. */
describe('GraphQL scopes: master key vs virtual key', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let alice: { key: string; id: string };
  let bob: { key: string; id: string };
  let teamId: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    answerAll(upstream);
    gateway = await startTestGateway(pricedConfig(upstream));
    teamId = gateway.tollgate.keys.createTeam({ name: 'alice-team' }).id;
    gateway.tollgate.keys.createTeam({ name: 'other-team' });
    const a = gateway.tollgate.keys.createKey({ name: 'alice', teamId });
    const b = gateway.tollgate.keys.createKey({ name: 'bob', teamId });
    alice = { key: a.key, id: a.apiKey.id };
    bob = { key: b.key, id: b.apiKey.id };
    await clientFor(gateway, alice.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
    });
    for (let index = 0; index < 2; index += 1) {
      await clientFor(gateway, bob.key).chat.completions.create({
        model: 'chat',
        messages: MESSAGES,
      });
    }
    await rowsOf(gateway, alice.id, 1);
    await rowsOf(gateway, bob.id, 2);
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('keys, key, teams and team.keys: a virtual key sees only itself (and its team)', async () => {
    const data = await gqlData<{
      keys: Array<{ id: string }>;
      teams: Array<{ id: string; keys: Array<{ id: string }> }>;
      me: { id: string; team: { id: string } };
    }>(gateway, '{ keys { id } teams { id keys { id } } me { id team { id } } }', {
      key: alice.key,
    });
    expect(data.keys).toEqual([{ id: alice.id }]);
    expect(data.teams).toEqual([{ id: teamId, keys: [{ id: alice.id }] }]);
    expect(data.me).toEqual({ id: alice.id, team: { id: teamId } });

    const other = await gql(gateway, 'query ($id: ID!) { key(id: $id) { id } }', {
      key: alice.key,
      variables: { id: bob.id },
    });
    // Same answer as for a key that does not exist: a key cannot probe for others.
    expect(other.errors[0]?.extensions).toMatchObject({ code: 'not_found', status: 404 });

    const master = await gqlData<{ keys: Array<{ id: string }>; teams: Array<{ id: string }> }>(
      gateway,
      '{ keys { id } teams { id } }',
    );
    expect(master.keys.map((key) => key.id)).toEqual(expect.arrayContaining([alice.id, bob.id]));
    expect(master.teams).toHaveLength(2);
  });

  it("spend and requestLogs: a virtual key cannot read another key's spend, whatever the filter", async () => {
    const query = /* GraphQL */ `
      query ($keyId: ID) {
        spend(groupBy: KEY, filter: { keyId: $keyId }) {
          group
          requests
        }
        requestLogs(filter: { keyId: $keyId }) {
          edges {
            node {
              keyId
            }
          }
        }
      }
    `;
    const own = await gqlData<{
      spend: Array<{ group: string; requests: number }>;
      requestLogs: { edges: Array<{ node: { keyId: string } }> };
    }>(gateway, query, { key: alice.key, variables: { keyId: bob.id } });
    expect(own.spend).toEqual([{ group: alice.id, requests: 1 }]);
    expect(own.requestLogs.edges.map((edge) => edge.node.keyId)).toEqual([alice.id]);

    const byTeam = await gqlData<{ spend: Array<{ group: string; requests: number }> }>(
      gateway,
      '{ spend(groupBy: TEAM) { group requests } }',
      { key: alice.key },
    );
    expect(byTeam.spend).toEqual([{ group: teamId, requests: 1 }]);

    const master = await gqlData<{ spend: Array<{ group: string; requests: number }> }>(
      gateway,
      '{ spend(groupBy: KEY) { group requests } }',
    );
    expect(master.spend).toEqual(
      expect.arrayContaining([
        { group: alice.id, requests: 1 },
        { group: bob.id, requests: 2 },
      ]),
    );
  });

  it('admin mutations are refused to a virtual key with forbidden; it may rotate itself only', async () => {
    const mutations = [
      'mutation { createKey(input: { name: "x" }) { key } }',
      `mutation { updateKey(id: "${alice.id}", input: { maxBudget: 1000 }) { id } }`,
      `mutation { revokeKey(id: "${bob.id}") { id } }`,
      'mutation { createTeam(input: { name: "mine" }) { id } }',
      `mutation { updateTeam(id: "${teamId}", input: { maxBudget: 1000 }) { id } }`,
      `mutation { deleteTeam(id: "${teamId}") { id } }`,
    ];
    for (const mutation of mutations) {
      const answer = await gql(gateway, mutation, { key: alice.key });
      expect(answer.data).toBeNull();
      expect(answer.errors[0]?.extensions, mutation).toMatchObject({
        code: 'forbidden',
        layer: 'policy',
        status: 403,
      });
    }
    const others = await gql(gateway, `mutation { rotateKey(id: "${bob.id}") { key } }`, {
      key: alice.key,
    });
    expect(others.errors[0]?.extensions?.code).toBe('not_found');
    // Bob's key still works: nothing happened to it.
    await clientFor(gateway, bob.key).models.list();
  });

  it('no key is a 401 missing_api_key, a wrong key a 401 invalid_api_key, as in REST', async () => {
    const missing = await gql(gateway, '{ keys { id } }', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.errors[0]?.extensions).toMatchObject({
      code: 'missing_api_key',
      layer: 'policy',
    });
    const wrong = await gql(gateway, '{ keys { id } }', { key: 'sk-not-a-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.errors[0]?.extensions).toMatchObject({ code: 'invalid_api_key', status: 401 });
    // x-api-key works like in REST.
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': alice.key },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(await response.json()).toEqual({ data: { me: { id: alice.id } } });
  });
});
