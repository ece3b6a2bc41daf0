import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { ActiveSubscriptions } from '../../src/schema/active-subscriptions.js';
import { createGraphqlYoga } from '../../src/schema/yoga.js';
import { Tollgate } from '../../src/tollgate.js';
import { MOCK_CONFIG, TEST_MASTER_KEY } from '../support/test-gateway.js';

/** The Yoga instance on its own, without a port (STYLE habit 11): the caller comes from headers. */
describe('createGraphqlYoga through yoga.fetch()', () => {
  const tollgate = Tollgate.create({
    config: MOCK_CONFIG,
    env: {},
    database: ':memory:',
    masterKey: TEST_MASTER_KEY,
    logger: silentLogger,
  });
  const yoga = createGraphqlYoga({
    tollgate,
    subscriptions: new ActiveSubscriptions(),
    graphiql: false,
  });
  afterAll(async () => {
    await tollgate.close();
  });

  async function post(query: string, headers: Record<string, string>) {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('authenticates from Authorization or x-api-key, like REST', async () => {
    const { key } = tollgate.keys.createKey({ name: 'fetch' });
    expect(await post('{ me { name } }', { authorization: `Bearer ${key}` })).toEqual({
      status: 200,
      body: { data: { me: { name: 'fetch' } } },
    });
    expect(await post('{ me { name } }', { 'x-api-key': key })).toMatchObject({
      body: { data: { me: { name: 'fetch' } } },
    });
    expect(await post('{ me { name } }', {})).toMatchObject({
      status: 401,
      body: { errors: [{ extensions: { code: 'missing_api_key', layer: 'policy', status: 401 } }] },
    });
  });

  it('without graphiql, a browser GET gets no GraphiQL page', async () => {
    const response = await yoga.fetch('http://localhost/graphql', {
      headers: { accept: 'text/html' },
    });
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
  });
});
