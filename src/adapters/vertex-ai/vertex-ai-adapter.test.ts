import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
  gatewayErrorOf,
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
  streamedText,
  streamedToolCalls,
} from '../../../test/support/adapter-harness.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import {
  createTestServiceAccount,
  type TestServiceAccount,
} from './__fixtures__/service-account.js';
import { createVertexAIAdapter } from './vertex-ai-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const TOKEN = 'ya29.c.c0ASRK0GZ_test_access_token_9a8b7c6d5e4f3g2h1i0j';
const MODEL_PATH =
  '/v1/projects/tollgate-test/locations/us-central1/publishers/google/models/gemini-2.5-flash';

let upstream: FakeUpstream;
let pools: UpstreamPools;
let account: TestServiceAccount;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  pools = new UpstreamPools();
  account = await createTestServiceAccount('');
});
afterAll(async () => {
  await pools.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

/** A deployment whose key file sends the token exchange to the fake upstream too. */
function adapter(params: Record<string, unknown> = {}, apiKey?: string) {
  return createVertexAIAdapter(
    makeDeployment({
      provider: 'vertex_ai',
      providerModel: 'gemini-2.5-flash',
      apiBase: upstream.url,
      apiKey,
      params: {
        vertex_credentials: JSON.stringify({ ...account.json, token_uri: `${upstream.url}/token` }),
        ...params,
      },
    }),
    pools,
  );
}

async function token() {
  return reply.json(await loadJson(fixture('vertex-ai-token.json')));
}

describe('vertex_ai adapter', () => {
  it('gets a token from the service account, then calls the project URL with it', async () => {
    upstream.enqueue(await token(), reply.json(await loadJson(fixture('vertex-ai-text.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    const [exchange, call] = upstream.requests;
    expect(exchange?.path).toBe('/token');
    expect(call?.url).toBe(`${MODEL_PATH}:generateContent`);
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.headers['x-goog-api-key']).toBeUndefined();
    expect(call?.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }] });
    expect(response).toMatchObject({
      id: 'Ut1GaMKzGaqb2PgPw-SxoAY',
      created: Math.floor(Date.parse('2025-06-09T14:37:22.414975Z') / 1000),
      model: 'gemini-2.5-flash',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: {
            content: 'Hello! How can I help you today?',
            provider_metadata: { vertex_ai: { finish_reason: 'STOP' } },
          },
        },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 27, total_tokens: 31 },
    });
  });

  it('reuses the token for the next calls', async () => {
    const text = reply.json(await loadJson(fixture('vertex-ai-text.json')));
    upstream.enqueue(await token(), text, text);
    const vertex = adapter();
    await vertex.generate(makeChatRequest(), makeCallOptions());
    await vertex.generate(makeChatRequest(), makeCallOptions());
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/token',
      `${MODEL_PATH}:generateContent`,
      `${MODEL_PATH}:generateContent`,
    ]);
  });

  it('forgets a token the upstream rejects with 401, and gets a new one next time', async () => {
    const text = reply.json(await loadJson(fixture('vertex-ai-text.json')));
    const expired = await loadJson(fixture('vertex-ai-error-unauthenticated.json'));
    upstream.enqueue(await token(), reply.error(401, expired), await token(), text);
    const vertex = adapter();
    const error = await gatewayErrorOf(vertex.generate(makeChatRequest(), makeCallOptions()));
    expect({ code: error.code, status: error.status }).toEqual({
      code: 'upstream_auth_failed',
      status: 502,
    });
    expect(error.upstreamBody).not.toContain(TOKEN);
    await vertex.generate(makeChatRequest(), makeCallOptions());
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/token',
      `${MODEL_PATH}:generateContent`,
      '/token',
      `${MODEL_PATH}:generateContent`,
    ]);
  });

  it('takes api_key as a ready access token and vertex_project over the key file', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('vertex-ai-text.json'))));
    const vertex = createVertexAIAdapter(
      makeDeployment({
        provider: 'vertex_ai',
        providerModel: 'gemini-2.5-flash',
        apiBase: upstream.url,
        apiKey: 'ya29.ready-made',
        params: { vertex_project: 'other-project', vertex_location: 'europe-west4' },
      }),
      pools,
    );
    await vertex.generate(makeChatRequest(), makeCallOptions());
    const [call] = upstream.requests;
    expect(call?.path).toBe(
      '/v1/projects/other-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    expect(call?.headers.authorization).toBe('Bearer ya29.ready-made');
  });

  it('streams with the same conversion as the Gemini API', async () => {
    upstream.enqueue(
      await token(),
      reply.sse(await loadChunks(fixture('vertex-ai-text.chunks.txt')), { done: false }),
    );
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(upstream.requests[1]?.url).toBe(`${MODEL_PATH}:streamGenerateContent?alt=sse`);
    expect(streamedText(chunks)).toBe('Hello! How can I help you today?');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 27 });
  });

  it('round-trips parallel tool calls with signatures kept under vertex_ai', async () => {
    upstream.enqueue(
      await token(),
      reply.sse(await loadChunks(fixture('vertex-ai-tool-call.chunks.txt')), { done: false }),
    );
    const vertex = adapter();
    const chunks = await collect(vertex.stream(makeChatRequest(), makeCallOptions()));
    const calls = streamedToolCalls(chunks);
    expect(calls.map((call) => [call.name, JSON.parse(call.arguments) as unknown])).toEqual([
      ['get_weather', { location: 'Paris, France' }],
      ['get_weather', { location: 'Tokyo, Japan' }],
    ]);
    const metadata = chunks[0]?.choices[0]?.delta.provider_metadata;
    upstream.enqueue(reply.json(await loadJson(fixture('vertex-ai-text.json'))));
    await vertex.generate(
      makeChatRequest({
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
            provider_metadata: metadata,
          },
          { role: 'tool', tool_call_id: calls[0]!.id, content: '18 C' },
          { role: 'tool', tool_call_id: calls[1]!.id, content: '24 C' },
        ],
      }),
      makeCallOptions(),
    );
    const contents = (upstream.requests[2]?.body as { contents: Array<{ parts: unknown[] }> })
      .contents;
    expect(contents[1]?.parts[0]).toMatchObject({
      thoughtSignature: expect.stringMatching(/^CtwB/) as unknown,
    });
    expect(contents[2]?.parts).toEqual([
      { functionResponse: { name: 'get_weather', response: { output: '18 C' } } },
      { functionResponse: { name: 'get_weather', response: { output: '24 C' } } },
    ]);
  });

  it('keeps Vertex citations in provider_metadata', async () => {
    upstream.enqueue(await token(), reply.json(await loadJson(fixture('vertex-ai-citation.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response.choices[0]?.message.provider_metadata?.vertex_ai).toMatchObject({
      citation_metadata: { citations: [{ uri: 'https://peps.python.org/pep-0020/' }] },
    });
  });

  it.each([
    ['vertex-ai-error-rate-limit.json', 429, 'upstream_rate_limited'],
    ['vertex-ai-error-server.json', 500, 'upstream_error'],
    ['vertex-ai-error-permission-denied.json', 403, 'upstream_auth_failed'],
    ['vertex-ai-error-context-length.json', 400, 'context_length_exceeded'],
  ])('maps %s (HTTP %i) to %s', async (file, status, code) => {
    upstream.enqueue(await token(), reply.error(status, await loadJson(fixture(file))));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect({
      code: error.code,
      provider: error.provider,
      upstreamStatus: error.upstreamStatus,
    }).toEqual({
      code,
      provider: 'vertex_ai',
      upstreamStatus: status,
    });
  });

  it('a token exchange failure fails the call before the model is called', async () => {
    upstream.enqueue(
      reply.error(400, await loadJson(fixture('vertex-ai-token-invalid-grant.json'))),
    );
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('upstream_auth_failed');
    expect(upstream.requests).toHaveLength(1);
  });

  it('embeds through :predict with token counts from the statistics', async () => {
    upstream.enqueue(
      await token(),
      reply.json(await loadJson(fixture('vertex-ai-predict-embeddings.json'))),
    );
    const vertex = createVertexAIAdapter(
      makeDeployment({
        provider: 'vertex_ai',
        providerModel: 'text-embedding-005',
        apiBase: upstream.url,
        params: {
          vertex_credentials: { ...account.json, token_uri: `${upstream.url}/token` },
          vertex_location: 'europe-west1',
        },
      }),
      pools,
    );
    const response = await vertex.embed(
      { model: 'embed', input: ['hello world', 'good morning'], dimensions: 3 },
      makeCallOptions({ providerOptions: { parameters: { autoTruncate: false } } }),
    );
    const call = upstream.requests[1];
    expect(call?.path).toBe(
      '/v1/projects/tollgate-test/locations/europe-west1/publishers/google/models/text-embedding-005:predict',
    );
    expect(call?.body).toEqual({
      instances: [{ content: 'hello world' }, { content: 'good morning' }],
      parameters: { outputDimensionality: 3, autoTruncate: false },
    });
    expect(response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.0023064255, -0.009327292, 0.015797377] },
        { object: 'embedding', index: 1, embedding: [-0.012836426, 0.006137431, 0.0079043] },
      ],
      model: 'text-embedding-005',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
  });
});
