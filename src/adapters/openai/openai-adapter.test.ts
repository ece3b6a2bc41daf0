import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { estimatePromptTokens, estimateTokens } from '../../core/estimate-tokens.js';
import { toUpstreamRequest } from '../../core/pipeline.js';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
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
import { createOpenAIAdapter } from './openai-adapter.js';

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

function adapter(overrides: Parameters<typeof makeDeployment>[0] = {}) {
  return createOpenAIAdapter(
    makeDeployment({ apiBase: `${upstream.url}/v1`, ...overrides }),
    pools,
  );
}

/** A client request as the transport parses it, gateway fields included. */
function clientRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return makeChatRequest({
    temperature: 0.2,
    metadata: { team: 'search' },
    cache: { 'no-cache': true },
    fallbacks: ['claude'],
    provider_options: { openai: { store: true } },
    // Unknown to the canonical schema: must reach the upstream unchanged (SPEC §3).
    prediction: { type: 'content', content: 'Hello' },
    service_tier: 'flex',
    ...overrides,
  });
}

describe('openai adapter: chat', () => {
  it('sends the canonical request with the provider model, auth and passthrough fields', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('openai-text.json'))));
    const request = clientRequest({ stream: true, stream_options: { include_usage: true } });
    await adapter({ extraHeaders: { 'x-team': 'search' } }).generate(
      toUpstreamRequest(request),
      makeCallOptions({ providerOptions: { store: true, user: 'u-42' } }),
    );
    const [sent] = upstream.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer sk-test-0123456789abcdef');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['x-team']).toBe('search');
    expect(sent?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello.' }],
      temperature: 0.2,
      prediction: { type: 'content', content: 'Hello' },
      service_tier: 'flex',
      store: true,
      user: 'u-42',
    });
  });

  it('returns the canonical response, keeping fields it does not read', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('openai-text.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response).toMatchInlineSnapshot(`
      {
        "choices": [
          {
            "finish_reason": "stop",
            "index": 0,
            "logprobs": null,
            "message": {
              "annotations": [],
              "content": "Hello! How can I assist you today?",
              "refusal": null,
              "role": "assistant",
            },
          },
        ],
        "created": 1741569952,
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "model": "gpt-4o-mini-2024-07-18",
        "object": "chat.completion",
        "service_tier": "default",
        "system_fingerprint": "fp_06737a9306",
        "usage": {
          "completion_tokens": 10,
          "completion_tokens_details": {
            "accepted_prediction_tokens": 0,
            "audio_tokens": 0,
            "reasoning_tokens": 0,
            "rejected_prediction_tokens": 0,
          },
          "prompt_tokens": 19,
          "prompt_tokens_details": {
            "audio_tokens": 0,
            "cached_tokens": 0,
          },
          "total_tokens": 29,
        },
      }
    `);
  });

  it('returns tool calls', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('openai-tool-call.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
    expect(response.choices[0]?.message.content).toBeNull();
    expect(response.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'call_9wFBNPmxRuZ7VWPXHc2tMEZa',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location": "Paris, France"}' },
      },
      {
        id: 'call_JKlbt0uJ0WR1PNSHwBdUv2Cq',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location": "Tokyo, Japan"}' },
      },
    ]);
  });

  it('fills what minimal compatible servers leave out and keeps a raw finish reason', async () => {
    upstream.enqueue(
      reply.json({
        choices: [{ message: { content: 'ok' }, finish_reason: 'eos' }],
        usage: { prompt_tokens: 3, completion_tokens: 1 },
      }),
    );
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: {
            role: 'assistant',
            content: 'ok',
            provider_metadata: { openai: { finish_reason: 'eos' } },
          },
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
    expect(response.id).toMatch(/^chatcmpl-/);
  });

  it('uses https://api.openai.com/v1 when the deployment has no api_base', () => {
    const openai = createOpenAIAdapter(makeDeployment({ apiBase: undefined }), pools);
    expect(openai.provider).toBe('openai');
  });
});

describe('openai adapter: stream', () => {
  it('forces include_usage, keeps the client fields and does not call before next()', async () => {
    upstream.enqueue(reply.sse(await loadChunks(fixture('openai-text.chunks.txt'))));
    const request = clientRequest({ stream: true, stream_options: { include_obfuscation: false } });
    const stream = adapter().stream(toUpstreamRequest(request), makeCallOptions());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstream.requests).toHaveLength(0);
    await collect(stream);
    const [sent] = upstream.requests;
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.accept).toBe('text/event-stream');
    expect(sent?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello.' }],
      temperature: 0.2,
      prediction: { type: 'content', content: 'Hello' },
      service_tier: 'flex',
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
    });
  });

  it('maps a text stream and ends with one usage-only chunk', async () => {
    upstream.enqueue(reply.sse(await loadChunks(fixture('openai-text.chunks.txt'))));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(streamedText(chunks)).toBe('Hello! How can I assist you today?');
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === undefined)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    // structuredClone: the chunk as data (without the upstream text kept for the SSE writer).
    expect(structuredClone(chunks[0])).toMatchInlineSnapshot(`
      {
        "choices": [
          {
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
        "created": 1741570283,
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "model": "gpt-4o-mini-2024-07-18",
        "obfuscation": "Wq3",
        "object": "chat.completion.chunk",
        "service_tier": "default",
        "system_fingerprint": "fp_06737a9306",
        "usage": undefined,
      }
    `);
    expect(chunks.at(-1)).toMatchInlineSnapshot(`
      {
        "choices": [],
        "created": 1741570283,
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "model": "gpt-4o-mini-2024-07-18",
        "obfuscation": "m8kq",
        "object": "chat.completion.chunk",
        "service_tier": "default",
        "system_fingerprint": "fp_06737a9306",
        "usage": {
          "completion_tokens": 10,
          "completion_tokens_details": {
            "accepted_prediction_tokens": 0,
            "audio_tokens": 0,
            "reasoning_tokens": 0,
            "rejected_prediction_tokens": 0,
          },
          "prompt_tokens": 19,
          "prompt_tokens_details": {
            "audio_tokens": 0,
            "cached_tokens": 0,
          },
          "total_tokens": 29,
        },
      }
    `);
  });

  it('streams parallel tool calls whose arguments concatenate to valid JSON', async () => {
    upstream.enqueue(reply.sse(await loadChunks(fixture('openai-tool-call.chunks.txt'))));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    const calls = streamedToolCalls(chunks);
    expect(calls).toEqual([
      {
        id: 'call_9wFBNPmxRuZ7VWPXHc2tMEZa',
        name: 'get_weather',
        arguments: '{"location": "Paris, France"}',
      },
      {
        id: 'call_JKlbt0uJ0WR1PNSHwBdUv2Cq',
        name: 'get_weather',
        arguments: '{"location": "Tokyo, Japan"}',
      },
    ]);
    expect(calls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual([
      { location: 'Paris, France' },
      { location: 'Tokyo, Japan' },
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(131);
  });

  it('moves usage sent on a content chunk to the final usage chunk', async () => {
    const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
    upstream.enqueue(
      reply.sse([
        JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'Hi' } }] }),
        JSON.stringify({
          ...base,
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      ]),
    );
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(chunks.map((chunk) => [chunk.choices.length, chunk.usage ?? null])).toEqual([
      [1, null],
      [1, null],
      [0, { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }],
    ]);
  });

  it('estimates usage, and says so, when the upstream sends none', async () => {
    const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
    upstream.enqueue(
      reply.sse([
        JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'Hello there' } }] }),
        JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      ]),
    );
    const options = makeCallOptions();
    const request = makeChatRequest();
    const chunks = await collect(adapter().stream(request, options));
    const promptTokens = await estimatePromptTokens(request.messages);
    const completionTokens = await estimateTokens('Hello there');
    expect(completionTokens).toBeGreaterThan(0);
    expect(chunks.at(-1)).toEqual({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      provider_metadata: { openai: { usage_estimated: true } },
    });
    expect(options.warnings.messages).toEqual([
      'openai sent no usage in its stream; tokens were estimated',
    ]);
  });

  it('accepts a stream that finishes without [DONE]', async () => {
    const chunks = await loadChunks(fixture('openai-text.chunks.txt'));
    upstream.enqueue(reply.sse(chunks, { done: false }));
    const out = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(out.at(-1)?.usage?.total_tokens).toBe(29);
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const chunks = await loadChunks(fixture('openai-text.chunks.txt'));
    const completion = await loadJson(fixture('openai-text.json'));
    // Fresh pools: connections left idle by earlier tests would blur the count.
    const freshPools = new UpstreamPools();
    const openai = createOpenAIAdapter(
      makeDeployment({ apiBase: `${upstream.url}/v1` }),
      freshPools,
    );
    const before = upstream.connectionCount;
    for (let call = 0; call < 50; call += 1) {
      upstream.enqueue(reply.sse(chunks), reply.json(completion));
      await collect(openai.stream(makeChatRequest(), makeCallOptions()));
      await openai.generate(makeChatRequest(), makeCallOptions());
    }
    expect(upstream.requests).toHaveLength(100);
    await freshPools.close();
    // Back-to-back calls in one tick alternate between two sockets: undici 7.30 validates an idle
    // socket in a setImmediate before reusing it (GHSA-35p6-xmwp-9g52), so the Pool sends the
    // next request to a second client meanwhile. With an event-loop turn between calls (as
    // between real client requests) it is one socket; either way, 100 calls never reconnect.
    expect(upstream.connectionCount - before).toBeLessThanOrEqual(2);
  });
});

describe('openai adapter: embeddings', () => {
  const expected = [
    [0.0023064255, -0.009327292, 0.015797377, -0.0077780755, 0.5, -0.25].map(Math.fround),
    [-0.012345678, 0.03125, 0, 1, -1, 0.0078125].map(Math.fround),
  ];

  it('asks for base64 and decodes little-endian float32', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('openai-embeddings-base64.json'))));
    const response = await adapter({ providerModel: 'text-embedding-3-small' }).embed(
      { model: 'embed', input: ['hello', 'world'], encoding_format: 'float', dimensions: 6 },
      makeCallOptions(),
    );
    const [sent] = upstream.requests;
    expect(sent?.path).toBe('/v1/embeddings');
    expect(sent?.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['hello', 'world'],
      encoding_format: 'base64',
      dimensions: 6,
    });
    expect(response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: expected[0] },
        { object: 'embedding', index: 1, embedding: expected[1] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });

  it('accepts float arrays from servers that ignore encoding_format', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('openai-embeddings-float.json'))));
    const response = await adapter().embed({ model: 'embed', input: 'hello' }, makeCallOptions());
    expect(response.data.map((item) => item.embedding)).toEqual([
      [0.0023064255, -0.009327292, 0.015797377, -0.0077780755, 0.5, -0.25],
      [-0.012345678, 0.03125, 0, 1, -1, 0.0078125],
    ]);
  });
});
