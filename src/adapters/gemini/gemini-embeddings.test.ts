import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  gatewayErrorOf,
  makeCallOptions,
  makeDeployment,
} from '../../../test/support/adapter-harness.js';
import {
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

let upstream: FakeUpstream;
let pools: UpstreamPools;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  pools = new UpstreamPools();
});
afterAll(async () => {
  await pools.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function adapter() {
  return createGeminiAdapter(
    makeDeployment({
      provider: 'gemini',
      providerModel: 'gemini-embedding-001',
      apiBase: `${upstream.url}/v1beta`,
      apiKey: 'AIzaSyD-test-0123456789abcdefghijklmnop',
    }),
    pools,
  );
}

describe('gemini adapter: embeddings', () => {
  it('embeds one text with embedContent and outputDimensionality', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-embed-content.json'))));
    const response = await adapter().embed(
      { model: 'embed', input: 'hello world', dimensions: 6, encoding_format: 'base64' },
      makeCallOptions({ providerOptions: { taskType: 'RETRIEVAL_QUERY' } }),
    );
    const [sent] = upstream.requests;
    expect(sent?.url).toBe('/v1beta/models/gemini-embedding-001:embedContent');
    expect(sent?.headers['x-goog-api-key']).toBe('AIzaSyD-test-0123456789abcdefghijklmnop');
    expect(sent?.body).toEqual({
      content: { parts: [{ text: 'hello world' }] },
      outputDimensionality: 6,
      taskType: 'RETRIEVAL_QUERY',
    });
    expect(response.data).toEqual([
      {
        object: 'embedding',
        index: 0,
        embedding: [0.0023064255, -0.009327292, 0.015797377, -0.0077780755, 0.5, -0.25],
      },
    ]);
    expect(response.model).toBe('gemini-embedding-001');
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('embeds several texts with batchEmbedContents, each entry naming the model', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-batch-embed-contents.json'))));
    const response = await adapter().embed(
      { model: 'embed', input: ['first', 'second'] },
      makeCallOptions({ providerOptions: { taskType: 'RETRIEVAL_DOCUMENT' } }),
    );
    const [sent] = upstream.requests;
    expect(sent?.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent?.body).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'first' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
        },
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'second' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
        },
      ],
    });
    expect(response.data.map((entry) => [entry.index, entry.embedding])).toEqual([
      [0, [0.0023064255, -0.009327292, 0.015797377]],
      [1, [-0.012836426, 0.006137431, 0.0079043]],
    ]);
  });

  it('refuses token-id inputs', async () => {
    const error = await gatewayErrorOf(
      adapter().embed({ model: 'embed', input: [1, 2, 3] }, makeCallOptions()),
    );
    expect({ code: error.code, param: error.param }).toEqual({
      code: 'unsupported_parameter',
      param: 'input',
    });
  });

  it('maps errors like chat calls', async () => {
    upstream.enqueue(reply.error(429, await loadJson(fixture('gemini-error-rate-limit.json'))));
    const error = await gatewayErrorOf(
      adapter().embed({ model: 'embed', input: 'x' }, makeCallOptions()),
    );
    expect(error.code).toBe('upstream_rate_limited');
  });

  it('refuses an answer with the wrong number of vectors', async () => {
    upstream.enqueue(reply.json({ embeddings: [{ values: [1] }] }));
    const error = await gatewayErrorOf(
      adapter().embed({ model: 'embed', input: ['a', 'b'] }, makeCallOptions()),
    );
    expect(error.code).toBe('upstream_invalid_response');
  });
});
