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
import { createBedrockAdapter } from './bedrock-adapter.js';

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

function adapter(model: string) {
  return createBedrockAdapter(
    makeDeployment({
      provider: 'bedrock',
      providerModel: model,
      apiBase: upstream.url,
      apiKey: undefined,
      params: {
        aws_access_key_id: 'AKIDEXAMPLE',
        aws_secret_access_key: 'secret-example',
        aws_region_name: 'us-east-1',
      },
    }),
    pools,
  );
}

describe('bedrock embeddings through InvokeModel', () => {
  it('calls Titan once per text, in input order, with dimensions and provider options', async () => {
    const titan = await loadJson(fixture('bedrock-embeddings-titan.json'));
    upstream.setDefault(reply.json(titan));
    const response = await adapter('amazon.titan-embed-text-v2:0').embed(
      { model: 'embed', input: ['first', 'second'], dimensions: 256 },
      makeCallOptions({ providerOptions: { normalize: true } }),
    );
    expect(upstream.requests.map((request) => [request.url, request.body])).toEqual([
      [
        '/model/amazon.titan-embed-text-v2%3A0/invoke',
        { inputText: 'first', dimensions: 256, normalize: true },
      ],
      [
        '/model/amazon.titan-embed-text-v2%3A0/invoke',
        { inputText: 'second', dimensions: 256, normalize: true },
      ],
    ]);
    expect(upstream.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(response).toEqual({
      object: 'list',
      model: 'amazon.titan-embed-text-v2:0',
      data: [
        { object: 'embedding', index: 0, embedding: [0.0123, -0.0456, 0.0789, 0.1011] },
        { object: 'embedding', index: 1, embedding: [0.0123, -0.0456, 0.0789, 0.1011] },
      ],
      usage: { prompt_tokens: 10, total_tokens: 10 },
    });
  });

  it('sends Cohere texts in one call and counts tokens from the InvokeModel header', async () => {
    upstream.enqueue(
      reply.json(await loadJson(fixture('bedrock-embeddings-cohere.json')), {
        headers: { 'x-amzn-bedrock-input-token-count': '6' },
      }),
    );
    const response = await adapter('cohere.embed-english-v3').embed(
      { model: 'embed', input: ['first text', 'second text'] },
      makeCallOptions({ providerOptions: { input_type: 'search_query' } }),
    );
    expect(upstream.requests[0]?.body).toEqual({
      texts: ['first text', 'second text'],
      input_type: 'search_query',
    });
    expect(response.data.map((item) => item.embedding)).toEqual([
      [0.021, -0.043, 0.065],
      [-0.012, 0.034, -0.056],
    ]);
    expect(response.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
  });

  it('refuses models without an embeddings body and token-array inputs', async () => {
    const error = await gatewayErrorOf(
      adapter('anthropic.claude-3-5-haiku-20241022-v1:0').embed(
        { model: 'e', input: 'x' },
        makeCallOptions(),
      ),
    );
    expect([error.code, error.status]).toEqual(['invalid_request', 400]);
    expect(error.message).toContain('amazon.titan-embed');
    const tokens = await gatewayErrorOf(
      adapter('amazon.titan-embed-text-v2:0').embed(
        { model: 'e', input: [1, 2, 3] },
        makeCallOptions(),
      ),
    );
    expect(tokens.param).toBe('input');
    expect(upstream.requests).toHaveLength(0);
  });
});
