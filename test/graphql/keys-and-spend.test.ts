import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import {
  answerAll,
  clientFor,
  COST_PER_REQUEST_USD,
  MESSAGES,
  pricedConfig,
} from '../accounting/support.js';
import { gql, gqlData, rowsOf } from './support.js';

interface CreatedKey {
  createKey: { key: string; apiKey: { id: string; keyPrefix: string; name: string } };
}

const CREATE_KEY = /* GraphQL */ `
  mutation Create($input: CreateKeyInput!) {
    createKey(input: $input) {
      key
      apiKey {
        id
        keyPrefix
        name
        maxBudget
        budgetDuration
        metadata
      }
    }
  }
`;

describe('GraphQL over HTTP: keys, teams and spend with the master key', () => {
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

  it('createKey returns the secret once; the key then works with the openai SDK; spend and requestLogs show exactly its requests', async () => {
    const created = await gqlData<CreatedKey>(gateway, CREATE_KEY, {
      variables: {
        input: { name: 'ci', maxBudget: 5, budgetDuration: '30d', metadata: { owner: 'ci' } },
      },
    });
    const { key, apiKey } = created.createKey;
    expect(key).toMatch(/^sk-/);
    expect(apiKey).toMatchObject({
      name: 'ci',
      maxBudget: 5,
      budgetDuration: '30d',
      metadata: { owner: 'ci' },
    });
    expect(key.endsWith(apiKey.keyPrefix.slice(-4))).toBe(true);
    // Nowhere else is the secret readable: not on the key, not in the listing.
    const listed = JSON.stringify(await gqlData(gateway, '{ keys { id keyPrefix name } }'));
    expect(listed).toContain(apiKey.id);
    expect(listed).not.toContain(key);

    const openai = clientFor(gateway, key);
    for (let index = 0; index < 3; index += 1) {
      const completion = await openai.chat.completions.create({
        model: 'chat',
        messages: MESSAGES,
      });
      expect(completion.choices[0]?.message.content).toBe('twenty tokens of answer');
    }
    await rowsOf(gateway, apiKey.id, 3);

    const data = await gqlData<{
      spend: Array<{
        group: string;
        spend: number;
        promptTokens: number;
        completionTokens: number;
        requests: number;
        cacheHits: number;
      }>;
      requestLogs: {
        edges: Array<{
          cursor: string;
          node: {
            keyId: string;
            status: string;
            cost: number;
            servedModel: string;
            provider: string;
            promptTokens: number;
            completionTokens: number;
            attempts: Array<{ deploymentId: string }>;
          };
        }>;
        pageInfo: { endCursor: string | null; hasNextPage: boolean };
      };
      key: { spend: number; periodSpend: number };
    }>(
      gateway,
      /* GraphQL */ `
        query Spend($keyId: ID!) {
          spend(groupBy: KEY, filter: { keyId: $keyId }) {
            group
            spend
            promptTokens
            completionTokens
            requests
            cacheHits
          }
          requestLogs(filter: { keyId: $keyId }, first: 10) {
            edges {
              cursor
              node {
                keyId
                status
                cost
                servedModel
                provider
                promptTokens
                completionTokens
                attempts {
                  deploymentId
                }
              }
            }
            pageInfo {
              endCursor
              hasNextPage
            }
          }
          key(id: $keyId) {
            spend
            periodSpend
          }
        }
      `,
      { variables: { keyId: apiKey.id } },
    );
    expect(data.spend).toEqual([
      {
        group: apiKey.id,
        spend: expect.closeTo(3 * COST_PER_REQUEST_USD, 12) as number,
        promptTokens: 30,
        completionTokens: 60,
        requests: 3,
        cacheHits: 0,
      },
    ]);
    expect(data.requestLogs.edges).toHaveLength(3);
    for (const { node } of data.requestLogs.edges) {
      expect(node).toMatchObject({
        keyId: apiKey.id,
        status: 'success',
        servedModel: 'chat',
        provider: 'openai',
        promptTokens: 10,
        completionTokens: 20,
        attempts: [{ deploymentId: 'chat-1' }],
      });
      expect(node.cost).toBeCloseTo(COST_PER_REQUEST_USD, 12);
    }
    expect(data.requestLogs.pageInfo.hasNextPage).toBe(false);
    expect(data.key.periodSpend).toBeCloseTo(3 * COST_PER_REQUEST_USD, 12);
    expect(data.key.spend).toBeCloseTo(3 * COST_PER_REQUEST_USD, 12);
  });

  it('requestLogs pages with cursors, newest first, without gaps or repeats', async () => {
    const { createKey } = await gqlData<CreatedKey>(gateway, CREATE_KEY, {
      variables: { input: {} },
    });
    const openai = clientFor(gateway, createKey.key);
    for (let index = 0; index < 5; index += 1) {
      await openai.chat.completions.create({ model: 'chat', messages: MESSAGES });
    }
    const all = await rowsOf(gateway, createKey.apiKey.id, 5);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: {
        requestLogs: {
          edges: Array<{ cursor: string; node: { requestId: string } }>;
          pageInfo: { endCursor: string | null; hasNextPage: boolean };
        };
      } = await gqlData(
        gateway,
        /* GraphQL */ `
          query Page($keyId: ID!, $after: String) {
            requestLogs(filter: { keyId: $keyId }, first: 2, after: $after) {
              edges {
                cursor
                node {
                  requestId
                }
              }
              pageInfo {
                endCursor
                hasNextPage
              }
            }
          }
        `,
        { variables: { keyId: createKey.apiKey.id, after } },
      );
      pages += 1;
      seen.push(...page.requestLogs.edges.map((edge) => edge.node.requestId));
      expect(page.requestLogs.pageInfo.endCursor).toBe(page.requestLogs.edges.at(-1)?.cursor);
      if (!page.requestLogs.pageInfo.hasNextPage) break;
      after = page.requestLogs.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((row) => row.requestId));
  });

  it('updateKey, rotateKey and revokeKey: the old secret stops at once, the new one works', async () => {
    const { createKey } = await gqlData<CreatedKey>(gateway, CREATE_KEY, {
      variables: { input: { name: 'before', maxBudget: 1 } },
    });
    const id = createKey.apiKey.id;
    const updated = await gqlData<{
      updateKey: {
        name: string;
        maxBudget: number | null;
        blocked: boolean;
        limits: { rpmLimit: number };
      };
    }>(
      gateway,
      'mutation ($id: ID!) { updateKey(id: $id, input: { name: "after", maxBudget: null, rpmLimit: 100 }) { name maxBudget blocked limits { rpmLimit } } }',
      { variables: { id } },
    );
    expect(updated.updateKey).toEqual({
      name: 'after',
      maxBudget: null,
      blocked: false,
      limits: { rpmLimit: 100 },
    });

    const rotated = await gqlData<{ rotateKey: { key: string; apiKey: { id: string } } }>(
      gateway,
      'mutation ($id: ID!) { rotateKey(id: $id) { key apiKey { id } } }',
      { variables: { id } },
    );
    expect(rotated.rotateKey.apiKey.id).toBe(id);
    expect(rotated.rotateKey.key).not.toBe(createKey.key);
    await expect(
      clientFor(gateway, createKey.key).chat.completions.create({
        model: 'chat',
        messages: MESSAGES,
      }),
    ).rejects.toMatchObject({ status: 401 });
    await clientFor(gateway, rotated.rotateKey.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
    });

    const revoked = await gqlData<{ revokeKey: { revoked: boolean } }>(
      gateway,
      'mutation ($id: ID!) { revokeKey(id: $id) { revoked } }',
      { variables: { id } },
    );
    expect(revoked.revokeKey.revoked).toBe(true);
    await expect(clientFor(gateway, rotated.rotateKey.key).models.list()).rejects.toMatchObject({
      status: 401,
    });
  });

  it('teams: create, update, list with their keys (each key resolving its team), delete', async () => {
    const team = await gqlData<{ createTeam: { id: string; name: string; maxBudget: number } }>(
      gateway,
      'mutation { createTeam(input: { name: "research", maxBudget: 50, budgetDuration: "1d" }) { id name maxBudget } }',
    );
    const teamId = team.createTeam.id;
    const keyIds: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      const { createKey } = await gqlData<CreatedKey>(gateway, CREATE_KEY, {
        variables: { input: { teamId } },
      });
      keyIds.push(createKey.apiKey.id);
    }
    await gqlData(
      gateway,
      'mutation ($id: ID!) { updateTeam(id: $id, input: { name: "r&d" }) { id } }',
      {
        variables: { id: teamId },
      },
    );
    const listed = await gqlData<{
      teams: Array<{
        id: string;
        name: string;
        keys: Array<{ id: string; team: { name: string } }>;
      }>;
      keys: Array<{ id: string }>;
    }>(
      gateway,
      'query ($teamId: ID!) { teams { id name keys { id team { name } } } keys(teamId: $teamId) { id } }',
      { variables: { teamId } },
    );
    const mine = listed.teams.find((candidate) => candidate.id === teamId);
    expect(mine?.name).toBe('r&d');
    expect(mine?.keys.map((key) => key.id).sort()).toEqual([...keyIds].sort());
    expect(mine?.keys.every((key) => key.team.name === 'r&d')).toBe(true);
    expect(listed.keys.map((key) => key.id).sort()).toEqual([...keyIds].sort());

    const deleted = await gqlData<{ deleteTeam: { id: string } }>(
      gateway,
      'mutation ($id: ID!) { deleteTeam(id: $id) { id } }',
      { variables: { id: teamId } },
    );
    expect(deleted.deleteTeam.id).toBe(teamId);
    const after = await gqlData<{ key: { teamId: string | null; team: unknown } }>(
      gateway,
      'query ($id: ID!) { key(id: $id) { teamId team { id } } }',
      { variables: { id: keyIds[0] } },
    );
    expect(after.key).toEqual({ teamId: null, team: null });
  });

  it('models, deployments and me', async () => {
    const data = await gqlData<{
      models: Array<{ id: string; ownedBy: string }>;
      deployments: Array<{
        id: string;
        group: string;
        provider: string;
        model: string;
        healthy: boolean | null;
        cooldownUntil: string | null;
      }>;
      me: unknown;
    }>(
      gateway,
      '{ models { id ownedBy } deployments { id group provider model healthy cooldownUntil recentLatencyMs } me { id } }',
    );
    expect(data.models).toEqual([
      { id: 'chat', ownedBy: 'openai' },
      { id: 'other', ownedBy: 'mock' },
    ]);
    expect(data.deployments).toContainEqual(
      expect.objectContaining({
        id: 'chat-1',
        group: 'chat',
        provider: 'openai',
        model: 'gpt-4o-mini',
        cooldownUntil: null,
      }),
    );
    // Deployments never show their credential or address.
    expect(JSON.stringify(data.deployments)).not.toContain('sk-upstream');
    expect(data.me).toBeNull();

    const { createKey } = await gqlData<CreatedKey>(gateway, CREATE_KEY, {
      variables: { input: { name: 'me', models: ['chat'] } },
    });
    const mine = await gqlData<{
      me: { id: string; name: string };
      models: Array<{ id: string }>;
      deployments: Array<{ group: string }>;
    }>(gateway, '{ me { id name } models { id } deployments { group } }', { key: createKey.key });
    expect(mine.me).toEqual({ id: createKey.apiKey.id, name: 'me' });
    expect(mine.models).toEqual([{ id: 'chat' }]);
    expect(mine.deployments.map((deployment) => deployment.group)).toEqual(['chat']);
  });

  it('input is validated with the shared zod schemas: invalid_request naming the field', async () => {
    const answer = await gql(gateway, CREATE_KEY, {
      variables: { input: { maxBudget: -1, budgetDuration: 'forever' } },
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]?.message).toMatch(/maxBudget/);
    expect(answer.errors[0]?.extensions).toMatchObject({
      code: 'invalid_request',
      layer: 'client',
      status: 400,
    });
    const badFilter = await gql(
      gateway,
      '{ spend(groupBy: DAY, filter: { from: "2025-13-45" }) { group } }',
    );
    expect(badFilter.errors[0]?.extensions?.code).toBe('invalid_request');
  });
});
