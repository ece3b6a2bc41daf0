import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import { gatewayErrorOf } from '../../../test/support/adapter-harness.js';
import {
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import {
  createTestServiceAccount,
  type TestServiceAccount,
} from './__fixtures__/service-account.js';
import { serviceAccountSchema } from './vertex-ai-api.js';
import { CLOUD_PLATFORM_SCOPE, VertexAccessTokens } from './vertex-ai-access-token.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const TOKEN = 'ya29.c.c0ASRK0GZ_test_access_token_9a8b7c6d5e4f3g2h1i0j';

let upstream: FakeUpstream;
let pools: UpstreamPools;
let account: TestServiceAccount;
const signal = new AbortController().signal;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  pools = new UpstreamPools();
  account = await createTestServiceAccount(`${upstream.url}/token`);
});
afterAll(async () => {
  await pools.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function tokens(options: { now?: () => number; privateKey?: string } = {}) {
  const credentials = serviceAccountSchema.parse({
    ...account.json,
    ...(options.privateKey === undefined ? {} : { private_key: options.privateKey }),
  });
  return new VertexAccessTokens({
    credentials: () => Promise.resolve(credentials),
    pools,
    timeoutMs: 2_000,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

async function tokenReply(delayMs = 0) {
  return reply.json(await loadJson(fixture('vertex-ai-token.json')), { delayMs });
}

describe('vertex_ai access tokens', () => {
  it('exchanges an RS256 JWT signed by the service account at its token_uri', async () => {
    upstream.enqueue(await tokenReply());
    expect(await tokens().token(signal)).toBe(TOKEN);
    const [sent] = upstream.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/token');
    expect(sent?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(sent?.bodyText);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = form.get('assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: '4f9b2c1d0e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c',
    });
    const { payload } = await jwtVerify(assertion, account.publicKey, {
      issuer: 'gateway@tollgate-test.iam.gserviceaccount.com',
      audience: `${upstream.url}/token`,
    });
    expect(payload.scope).toBe(CLOUD_PLATFORM_SCOPE);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  it('reuses the token until five minutes before it expires', async () => {
    let now = 1_750_000_000_000;
    const provider = tokens({ now: () => now });
    upstream.enqueue(await tokenReply(), await tokenReply());
    await provider.token(signal);
    now += 3599_000 - 5 * 60_000 - 1_000;
    await provider.token(signal);
    expect(upstream.requests).toHaveLength(1);
    now += 2_000;
    await provider.token(signal);
    expect(upstream.requests).toHaveLength(2);
  });

  it('shares one exchange between concurrent requests', async () => {
    upstream.enqueue(await tokenReply(100));
    const provider = tokens();
    const all = await Promise.all(Array.from({ length: 8 }, () => provider.token(signal)));
    expect(new Set(all)).toEqual(new Set([TOKEN]));
    expect(upstream.requests).toHaveLength(1);
  });

  it('forgets a token the upstream rejected', async () => {
    upstream.enqueue(await tokenReply(), await tokenReply());
    const provider = tokens();
    const token = await provider.token(signal);
    provider.invalidate('some-other-token');
    await provider.token(signal);
    expect(upstream.requests).toHaveLength(1);
    provider.invalidate(token);
    await provider.token(signal);
    expect(upstream.requests).toHaveLength(2);
  });

  it('maps invalid_grant to a non-retryable upstream_auth_failed, and tries again next time', async () => {
    upstream.enqueue(
      reply.error(400, await loadJson(fixture('vertex-ai-token-invalid-grant.json'))),
      await tokenReply(),
    );
    const provider = tokens();
    const error = await gatewayErrorOf(provider.token(signal));
    expect({
      code: error.code,
      status: error.status,
      upstreamStatus: error.upstreamStatus,
      isRetryable: error.isRetryable,
      message: error.message,
    }).toEqual({
      code: 'upstream_auth_failed',
      status: 502,
      upstreamStatus: 400,
      isRetryable: false,
      message: 'vertex_ai could not get an access token: invalid_grant: Invalid JWT Signature.',
    });
    expect(await provider.token(signal)).toBe(TOKEN);
  });

  it('maps a token endpoint outage to a retryable upstream_error', async () => {
    upstream.enqueue(reply.error(503, { error: 'backend_error' }));
    const error = await gatewayErrorOf(tokens().token(signal));
    expect({ code: error.code, isRetryable: error.isRetryable }).toEqual({
      code: 'upstream_error',
      isRetryable: true,
    });
  });

  it('refuses a private key that is not PKCS#8 PEM without calling the endpoint', async () => {
    const error = await gatewayErrorOf(tokens({ privateKey: 'not a key' }).token(signal));
    expect({ code: error.code, isRetryable: error.isRetryable }).toEqual({
      code: 'upstream_auth_failed',
      isRetryable: false,
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('lets a caller give up waiting without cancelling the shared exchange', async () => {
    upstream.enqueue(await tokenReply(150));
    const provider = tokens();
    const controller = new AbortController();
    const impatient = provider.token(controller.signal);
    const patient = provider.token(signal);
    controller.abort();
    expect((await gatewayErrorOf(impatient)).code).toBe('client_closed_request');
    expect(await patient).toBe(TOKEN);
    expect(upstream.requests).toHaveLength(1);
  });
});
