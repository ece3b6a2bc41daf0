import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS } from '../../src/schema/limits.js';
import {
  MOCK_CONFIG,
  startTestGateway,
  TEST_MASTER_KEY,
  type TestGateway,
} from '../support/test-gateway.js';
import { gql, gqlData } from './support.js';

/** `keys { team { keys { ... id } } }`: the real key → team → key cycle, `depth` levels deep. */
function cycleQuery(depth: number): string {
  let selection = 'id';
  for (let level = depth - 1; level >= 1; level -= 1) {
    selection = `${level % 2 === 1 ? 'keys' : 'team'} { ${selection} }`;
  }
  return `{ ${selection} }`;
}

function aliases(count: number, selection: string): string {
  return `{ ${Array.from({ length: count }, (_, index) => `a${index}: ${selection}`).join(' ')} }`;
}

async function post(gateway: TestGateway, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TEST_MASTER_KEY}`,
      'content-type': 'application/json',
      ...headers,
    },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  };
}

describe('GraphQL bad input: a clear error with the gateway code, and no crash', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(MOCK_CONFIG, { maxBodyBytes: 128 * 1024 });
    const team = gateway.tollgate.keys.createTeam({ name: 't' });
    gateway.tollgate.keys.createKey({ teamId: team.id });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it(`a query at the depth limit (${GRAPHQL_LIMITS.maxDepth}) along team → keys → team runs; one level deeper is refused naming the limit`, async () => {
    const atLimit = await gql(gateway, cycleQuery(GRAPHQL_LIMITS.maxDepth));
    expect(atLimit.errors).toEqual([]);
    const tooDeep = await gql(gateway, cycleQuery(GRAPHQL_LIMITS.maxDepth + 1));
    expect(tooDeep.data).toBeUndefined();
    expect(tooDeep.errors).toHaveLength(1);
    expect(tooDeep.errors[0]?.message).toContain(
      `Query depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded, found ${GRAPHQL_LIMITS.maxDepth + 1}`,
    );
    expect(tooDeep.errors[0]?.extensions).toMatchObject({
      code: 'invalid_request',
      layer: 'client',
    });
  });

  it('an expensive query (many aliased lists) is refused by the cost limit', async () => {
    const selection = 'keys { id name team { id name keys { id } } }';
    expect((await gql(gateway, aliases(100, selection))).errors).toEqual([]);
    const expensive = await gql(gateway, aliases(300, selection));
    expect(expensive.errors[0]?.message).toContain(
      `Query Cost limit of ${GRAPHQL_LIMITS.maxCost} exceeded`,
    );
    expect(expensive.errors[0]?.extensions?.code).toBe('invalid_request');
  });

  it('an oversized query: too many tokens is refused while parsing; too many bytes is a 413', async () => {
    const manyTokens = await gql(gateway, aliases(4000, '__typename'));
    // (graphql-js spells it "more that".)
    expect(manyTokens.errors[0]?.message).toMatch(
      new RegExp(`Document contains more tha[nt] ${GRAPHQL_LIMITS.maxTokens} tokens`),
    );
    expect(manyTokens.errors[0]?.extensions?.code).toBe('invalid_request');
    const huge = await post(
      gateway,
      JSON.stringify({ query: `{ models { id } } #${'x'.repeat(200 * 1024)}` }),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.errors?.[0]?.extensions).toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
  });

  it('invalid GraphQL, unknown fields, wrong variable types and invalid JSON', async () => {
    const syntax = await gql(gateway, '{ keys { id ');
    expect(syntax.errors[0]).toMatchObject({
      message: expect.stringContaining('Syntax Error') as string,
      extensions: { code: 'invalid_request', layer: 'client', status: 400 },
    });
    const unknown = await gql(gateway, '{ keys { secret } }');
    expect(unknown.errors[0]?.message).toContain('Cannot query field "secret" on type "ApiKey"');
    expect(unknown.errors[0]?.extensions?.code).toBe('invalid_request');

    const wrongVariable = await gql(
      gateway,
      'query ($first: Int) { requestLogs(first: $first) { pageInfo { hasNextPage } } }',
      {
        variables: { first: 'ten' },
      },
    );
    expect(wrongVariable.errors[0]?.message).toContain('Variable "$first" got invalid value "ten"');
    expect(wrongVariable.errors[0]?.extensions?.code).toBe('invalid_request');
    const wrongInput = await gql(
      gateway,
      'mutation ($input: CreateKeyInput!) { createKey(input: $input) { key } }',
      {
        variables: { input: { rpmLimit: 'many' } },
      },
    );
    expect(wrongInput.errors[0]?.message).toContain('rpmLimit');
    expect(wrongInput.errors[0]?.extensions?.code).toBe('invalid_request');
    const badInstant = await gql(
      gateway,
      'mutation ($input: CreateKeyInput!) { createKey(input: $input) { key } }',
      {
        variables: { input: { expiresAt: 'next tuesday' } },
      },
    );
    expect(badInstant.errors[0]?.message).toContain(
      'DateTime expects an ISO 8601 string or Unix milliseconds',
    );

    const notJson = await post(gateway, '{"query": "{ models { id } }"');
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors?.[0]?.extensions).toMatchObject({
      code: 'invalid_json',
      layer: 'client',
    });
  });

  it('methods: PUT is a 405; a mutation over GET is refused; an anonymous GET query is a 401', async () => {
    const put = await fetch(`${gateway.url}/graphql`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(put.status).toBe(405);
    expect(await put.json()).toMatchObject({
      errors: [{ extensions: { code: 'method_not_allowed' } }],
    });

    const mutation = encodeURIComponent('mutation { createTeam(input: { name: "x" }) { id } }');
    const viaGet = await fetch(`${gateway.url}/graphql?query=${mutation}`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(viaGet.status).toBe(405);
    expect(await viaGet.json()).toMatchObject({
      errors: [{ extensions: { code: 'method_not_allowed' } }],
    });

    const query = encodeURIComponent('{ models { id } }');
    const anonymous = await fetch(`${gateway.url}/graphql?query=${query}`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      errors: [{ extensions: { code: 'missing_api_key' } }],
    });
    const authorised = await fetch(`${gateway.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(await authorised.json()).toEqual({ data: { models: expect.any(Array) as unknown } });
  });

  it('GraphiQL is served on GET /graphql to browsers in development', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<title>Tollgate</title>');
  });

  it('the server still serves after all of the above', async () => {
    const data = await gqlData<{ models: Array<{ id: string }> }>(gateway, '{ models { id } }');
    expect(data.models.map((model) => model.id)).toContain('mock/echo');
  });
});

describe('GraphQL in production', () => {
  it('does not serve GraphiQL when NODE_ENV=production', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const gateway = await startTestGateway(MOCK_CONFIG).finally(() => {
      process.env.NODE_ENV = previous;
    });
    try {
      const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(await response.text()).not.toContain('GraphiQL');
    } finally {
      await gateway.close();
    }
  });

  it('masks errors that are not GatewayErrors (a bug) as internal_error, without details', async () => {
    const gateway = await startTestGateway(MOCK_CONFIG);
    try {
      // The database going away under a resolver stands for any unexpected failure.
      gateway.tollgate.database.close();
      const answer = await gql(gateway, '{ keys { id } }');
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: 'Internal gateway error',
          extensions: { code: 'internal_error', layer: 'gateway', status: 500 },
        }),
      ]);
      expect(JSON.stringify(answer.errors)).not.toMatch(/database|sqlite|stack/i);
    } finally {
      await gateway.close();
    }
  });
});
