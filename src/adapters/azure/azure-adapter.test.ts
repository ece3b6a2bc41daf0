import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toUpstreamRequest } from '../../core/pipeline.js';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
  gatewayErrorOf,
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
  streamedText,
} from '../../../test/support/adapter-harness.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import { createAzureAdapter } from './azure-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const API_KEY = '0123456789abcdef0123456789abcdef';

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

function adapter(overrides: Parameters<typeof makeDeployment>[0] = {}) {
  return createAzureAdapter(
    makeDeployment({
      provider: 'azure',
      providerModel: 'gpt-4o-prod',
      apiBase: upstream.url,
      apiKey: API_KEY,
      ...overrides,
    }),
    pools,
  );
}

describe('azure adapter: requests', () => {
  it('calls the deployment URL with api-version and the api-key header, no bearer', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('azure-text.json'))));
    const request = makeChatRequest({
      metadata: { a: 1 },
      provider_options: { azure: { data_sources: [] } },
      service_tier: 'default',
    });
    await adapter().generate(
      toUpstreamRequest(request),
      makeCallOptions({ providerOptions: { user: 'u-7' } }),
    );
    const [sent] = upstream.requests;
    expect(sent?.path).toBe('/openai/deployments/gpt-4o-prod/chat/completions');
    expect(sent?.query).toEqual({ 'api-version': '2024-10-21' });
    expect(sent?.headers['api-key']).toBe(API_KEY);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body).toEqual({
      model: 'gpt-4o-prod',
      messages: [{ role: 'user', content: 'Say hello.' }],
      service_tier: 'default',
      user: 'u-7',
    });
  });

  it('streams with include_usage forced and the configured api-version', async () => {
    upstream.enqueue(reply.sse(await loadChunks(fixture('azure-text.chunks.txt'))));
    await collect(
      adapter({ apiVersion: '2025-01-01-preview' }).stream(makeChatRequest(), makeCallOptions()),
    );
    const [sent] = upstream.requests;
    expect(sent?.url).toBe(
      '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2025-01-01-preview',
    );
    expect(sent?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});

describe('azure adapter: responses', () => {
  it('keeps prompt_filter_results and content_filter_results where Azure puts them', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('azure-text.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(response).toHaveProperty('prompt_filter_results.0.content_filter_results.jailbreak', {
      filtered: false,
      detected: false,
    });
    expect(response.choices[0]).toHaveProperty('content_filter_results.hate.severity', 'safe');
  });

  it('moves the prompt_filter_results chunk into provider_metadata of the first chunk', async () => {
    upstream.enqueue(reply.sse(await loadChunks(fixture('azure-text.chunks.txt'))));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(streamedText(chunks)).toBe('Hello! How can I help you today?');
    expect(chunks[0]).toMatchInlineSnapshot(`
      {
        "choices": [
          {
            "content_filter_results": {},
            "delta": {
              "content": "",
              "refusal": null,
              "role": "assistant",
            },
            "finish_reason": null,
            "index": 0,
            "logprobs": null,
          },
        ],
        "created": 1741570511,
        "id": "chatcmpl-B9MLvYt0WkC3v1mFzN8o2sPq7dE5h",
        "model": "gpt-4o-2024-11-20",
        "object": "chat.completion.chunk",
        "provider_metadata": {
          "azure": {
            "prompt_filter_results": [
              {
                "content_filter_results": {
                  "hate": {
                    "filtered": false,
                    "severity": "safe",
                  },
                  "jailbreak": {
                    "detected": false,
                    "filtered": false,
                  },
                  "self_harm": {
                    "filtered": false,
                    "severity": "safe",
                  },
                  "sexual": {
                    "filtered": false,
                    "severity": "safe",
                  },
                  "violence": {
                    "filtered": false,
                    "severity": "safe",
                  },
                },
                "prompt_index": 0,
              },
            ],
          },
        },
        "system_fingerprint": "fp_b705f0c291",
        "usage": undefined,
      }
    `);
    expect(chunks.filter((chunk) => chunk.choices.length === 0)).toHaveLength(1);
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 18,
      completion_tokens: 9,
      total_tokens: 27,
    });
  });

  it('maps the asynchronous filter stream: annotation chunks and a content_filter finish', async () => {
    upstream.enqueue(reply.sse(await loadChunks(fixture('azure-async-filter.chunks.txt'))));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(streamedText(chunks)).toBe("Hey Jude, don't");
    const finish = chunks.at(-2);
    expect(finish).toMatchObject({
      id: 'chatcmpl-8JCbt5d4luUIhYCI7YH4dQK7hnHx2',
      object: 'chat.completion.chunk',
      created: 1699587397,
      model: 'gpt-35-turbo',
      choices: [
        {
          index: 0,
          delta: {},
          finish_reason: 'content_filter',
          content_filter_results: { protected_material_text: { detected: true, filtered: true } },
        },
      ],
    });
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 15,
      completion_tokens: 5,
      total_tokens: 20,
    });
  });

  it('decodes base64 embeddings from the deployment URL', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('azure-embeddings-base64.json'))));
    const response = await adapter({ providerModel: 'embed-small' }).embed(
      { model: 'embed', input: 'hello' },
      makeCallOptions(),
    );
    expect(upstream.requests[0]?.url).toBe(
      '/openai/deployments/embed-small/embeddings?api-version=2024-10-21',
    );
    expect(response.data[0]?.embedding).toEqual(
      [0.0023064255, -0.009327292, 0.015797377, -0.0077780755, 0.5, -0.25].map(Math.fround),
    );
  });
});

describe('azure adapter: errors', () => {
  it.each([
    {
      file: 'azure-error-content-filter.json',
      status: 400,
      code: 'content_policy_violation',
      param: 'prompt',
    },
    {
      file: 'azure-error-context-length.json',
      status: 400,
      code: 'context_length_exceeded',
      param: 'messages',
    },
    {
      file: 'azure-error-unauthorized.json',
      status: 401,
      code: 'upstream_auth_failed',
      param: undefined,
    },
    { file: 'azure-error-server.json', status: 500, code: 'upstream_error', param: undefined },
  ])('maps HTTP $status $file to $code', async ({ file, status, code, param }) => {
    upstream.enqueue(reply.error(status, await loadJson(fixture(file))));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect({
      code: error.code,
      provider: error.provider,
      upstreamStatus: error.upstreamStatus,
      param: error.param,
    }).toEqual({
      code,
      provider: 'azure',
      upstreamStatus: status,
      param,
    });
  });

  it('keeps retry-after-ms and retry-after of a 429', async () => {
    upstream.enqueue(
      reply.error(429, await loadJson(fixture('azure-error-rate-limit.json')), {
        retryAfter: '6',
        headers: { 'retry-after-ms': '5400' },
      }),
    );
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect({
      code: error.code,
      status: error.status,
      retryAfterSeconds: error.retryAfterSeconds,
    }).toEqual({
      code: 'upstream_rate_limited',
      status: 429,
      retryAfterSeconds: 5.4,
    });
  });

  it('maps a content filter error at stream start', async () => {
    upstream.enqueue(reply.error(400, await loadJson(fixture('azure-error-content-filter.json'))));
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('content_policy_violation');
    expect(error.isRetryable).toBe(false);
  });
});
