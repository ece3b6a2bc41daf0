import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
import { createOpenAIAdapter } from './openai-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const API_KEY = 'sk-test-0123456789abcdef';

let upstream: FakeUpstream;
let pools: UpstreamPools;
let textChunks: string[];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  pools = new UpstreamPools();
  textChunks = await loadChunks(fixture('openai-text.chunks.txt'));
});
afterAll(async () => {
  await pools.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function adapter(overrides: Parameters<typeof makeDeployment>[0] = {}) {
  return createOpenAIAdapter(
    makeDeployment({ apiBase: `${upstream.url}/v1`, apiKey: API_KEY, ...overrides }),
    pools,
  );
}

/** The fields of a GatewayError a client or the router acts on. */
function summary(error: Awaited<ReturnType<typeof gatewayErrorOf>>) {
  return {
    code: error.code,
    status: error.status,
    layer: error.layer,
    provider: error.provider,
    upstreamStatus: error.upstreamStatus,
    isRetryable: error.isRetryable,
    retryAfterSeconds: error.retryAfterSeconds,
    param: error.param,
  };
}

describe('openai adapter: HTTP errors', () => {
  it.each([
    {
      name: '400 context_length_exceeded',
      status: 400,
      file: 'openai-error-context-length.json',
      expected: {
        code: 'context_length_exceeded',
        status: 400,
        isRetryable: false,
        param: 'messages',
      },
    },
    {
      name: '400 content_policy_violation',
      status: 400,
      file: 'openai-error-content-policy.json',
      expected: {
        code: 'content_policy_violation',
        status: 400,
        isRetryable: false,
        param: undefined,
      },
    },
    {
      name: '401 invalid_api_key (the gateway credential, never the client 401)',
      status: 401,
      file: 'openai-error-invalid-api-key.json',
      expected: { code: 'upstream_auth_failed', status: 502, isRetryable: false, param: undefined },
    },
    {
      name: '403 is also the gateway credential',
      status: 403,
      file: 'openai-error-invalid-api-key.json',
      expected: { code: 'upstream_auth_failed', status: 502, isRetryable: false, param: undefined },
    },
    {
      name: '500 server_error',
      status: 500,
      file: 'openai-error-server.json',
      expected: { code: 'upstream_error', status: 502, isRetryable: true, param: undefined },
    },
  ])('maps $name', async ({ status, file, expected }) => {
    upstream.enqueue(reply.error(status, await loadJson(fixture(file))));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(summary(error)).toEqual({
      ...expected,
      layer: 'provider',
      provider: 'openai',
      upstreamStatus: status,
      retryAfterSeconds: undefined,
    });
  });

  it('keeps Retry-After of a 429 and stays a 429', async () => {
    const body = await loadJson(fixture('openai-error-rate-limit.json'));
    upstream.enqueue(reply.error(429, body, { retryAfter: '20' }));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(summary(error)).toEqual({
      code: 'upstream_rate_limited',
      status: 429,
      layer: 'provider',
      provider: 'openai',
      upstreamStatus: 429,
      isRetryable: true,
      retryAfterSeconds: 20,
      param: undefined,
    });
    expect(error.message).toContain('Rate limit reached for gpt-4o-mini');
  });

  it('prefers retry-after-ms', async () => {
    const body = await loadJson(fixture('openai-error-rate-limit.json'));
    upstream.enqueue(reply.error(429, body, { headers: { 'retry-after-ms': '1500' } }));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(error.retryAfterSeconds).toBe(1.5);
  });

  it('redacts the deployment key from the quoted upstream body and message', async () => {
    const leaky = { error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'x' } };
    upstream.enqueue(reply.error(401, leaky));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(error.message).not.toContain(API_KEY);
    expect(error.upstreamBody).not.toContain(API_KEY);
    expect(error.upstreamBody).toContain('[REDACTED]');
  });

  it('maps an error status at stream start like generate', async () => {
    upstream.enqueue(reply.error(400, await loadJson(fixture('openai-error-context-length.json'))));
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('context_length_exceeded');
    expect(error.upstreamStatus).toBe(400);
  });

  it.each([
    { name: 'invalid JSON', body: '{"id": "chatcmpl-1", "choices": [' },
    { name: 'a wrong shape', body: { id: 'chatcmpl-1', choices: [{ message: { content: 42 } }] } },
  ])('answers $name with upstream_invalid_response', async ({ body }) => {
    upstream.enqueue(reply.json(body));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(summary(error)).toMatchObject({ code: 'upstream_invalid_response', status: 502 });
  });

  it('rejects undecodable base64 embeddings', async () => {
    upstream.enqueue(reply.json({ data: [{ index: 0, embedding: 'AAAAAAA=' }], model: 'e' }));
    const error = await gatewayErrorOf(
      adapter().embed({ model: 'e', input: 'x' }, makeCallOptions()),
    );
    expect(error.code).toBe('upstream_invalid_response');
  });
});

describe('openai adapter: broken streams', () => {
  it('fails on a malformed chunk', async () => {
    upstream.enqueue(reply.sse([...textChunks.slice(0, 2), '{"id": "chatcmpl-1", "choices": [{']));
    const chunks: unknown[] = [];
    const error = await gatewayErrorOf(
      (async () => {
        for await (const chunk of adapter().stream(makeChatRequest(), makeCallOptions())) {
          chunks.push(chunk);
        }
      })(),
    );
    expect(chunks).toHaveLength(2);
    expect(summary(error)).toMatchObject({ code: 'upstream_invalid_response', status: 502 });
    expect(error.message).toContain('malformed stream chunk: invalid JSON');
  });

  it('fails on a chunk of the wrong shape', async () => {
    upstream.enqueue(reply.sse(['{"id":"c","choices":[{"index":0,"delta":{"content":7}}]}']));
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.message).toBe(
      'openai sent a malformed stream chunk: delta.content is not a string',
    );
  });

  it('maps a mid-stream error event like an HTTP error', async () => {
    const event = JSON.stringify({
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    upstream.enqueue(reply.sse([...textChunks.slice(0, 3), event]));
    const options = makeCallOptions();
    const iterator = adapter().stream(makeChatRequest(), options)[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const error = await gatewayErrorOf(collect({ [Symbol.asyncIterator]: () => iterator }));
    expect(summary(error)).toEqual({
      code: 'upstream_error',
      status: 502,
      layer: 'provider',
      provider: 'openai',
      upstreamStatus: undefined,
      isRetryable: true,
      retryAfterSeconds: undefined,
      param: undefined,
    });
    expect(error.upstreamBody).toBe(event);
  });

  it('maps a mid-stream rate limit event', async () => {
    const event =
      '{"error":{"message":"Rate limit reached","type":"tokens","code":"rate_limit_exceeded"}}';
    upstream.enqueue(reply.sse([event]));
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('upstream_rate_limited');
  });

  it('fails with upstream_connection_failed when the connection resets mid-stream', async () => {
    upstream.enqueue(reply.sse(textChunks, { resetAfterChunk: 3 }));
    const chunks: unknown[] = [];
    const error = await gatewayErrorOf(
      (async () => {
        for await (const chunk of adapter().stream(makeChatRequest(), makeCallOptions())) {
          chunks.push(chunk);
        }
      })(),
    );
    expect(chunks).toHaveLength(3);
    expect(summary(error)).toMatchObject({ code: 'upstream_connection_failed', isRetryable: true });
  });

  it('fails from the first next() when the connection resets before any byte', async () => {
    upstream.enqueue(reply.reset());
    const iterator = adapter().stream(makeChatRequest(), makeCallOptions())[Symbol.asyncIterator]();
    const error = await gatewayErrorOf(iterator.next());
    expect(error.code).toBe('upstream_connection_failed');
  });

  it('treats a body that ends without [DONE] or a finish reason as truncated', async () => {
    upstream.enqueue(reply.sse(textChunks.slice(0, 4), { done: false }));
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('upstream_connection_failed');
    expect(error.message).toContain('ended the stream before it finished');
  });
});

describe('openai adapter: timeouts and aborts', () => {
  it('times out a hanging upstream within the deployment timeout', async () => {
    upstream.enqueue(reply.hang());
    const started = performance.now();
    const error = await gatewayErrorOf(
      adapter({ timeoutMs: 200 }).generate(makeChatRequest(), makeCallOptions()),
    );
    const elapsed = performance.now() - started;
    expect(summary(error)).toMatchObject({
      code: 'upstream_timeout',
      status: 504,
      isRetryable: true,
    });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('times out a stream whose headers never come', async () => {
    upstream.enqueue(reply.hang());
    const error = await gatewayErrorOf(
      collect(adapter({ timeoutMs: 200 }).stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('upstream_timeout');
  });

  it('times out a stream that goes silent for longer than stream_timeout', async () => {
    upstream.enqueue(reply.sse(textChunks, { stall: { afterChunk: 2, ms: Infinity } }));
    const chunks: unknown[] = [];
    const error = await gatewayErrorOf(
      (async () => {
        const deployment = { timeoutMs: 5_000, streamTimeoutMs: 200 };
        for await (const chunk of adapter(deployment).stream(
          makeChatRequest(),
          makeCallOptions(),
        )) {
          chunks.push(chunk);
        }
      })(),
    );
    expect(chunks).toHaveLength(2);
    expect(error.code).toBe('upstream_timeout');
  });

  it('delivers chunks as they arrive, not buffered', async () => {
    upstream.enqueue(reply.sse(textChunks, { stall: { afterChunk: 1, ms: 300 } }));
    const iterator = adapter().stream(makeChatRequest(), makeCallOptions())[Symbol.asyncIterator]();
    const started = performance.now();
    await iterator.next();
    expect(performance.now() - started).toBeLessThan(250);
    const rest = await collect({ [Symbol.asyncIterator]: () => iterator });
    expect(streamedText(rest)).toBe('Hello! How can I assist you today?');
  });

  it('aborts a generate call through the signal and closes the upstream request', async () => {
    upstream.enqueue(reply.hang());
    const controller = new AbortController();
    const pending = adapter().generate(
      makeChatRequest(),
      makeCallOptions({ signal: controller.signal }),
    );
    const request = await upstream.waitForRequest(0);
    const abortedAt = performance.now();
    controller.abort();
    const error = await gatewayErrorOf(pending);
    expect(summary(error)).toMatchObject({ code: 'client_closed_request', isRetryable: false });
    const closed = await request.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - abortedAt).toBeLessThan(100);
  });

  it('aborts a stream mid-way and closes the upstream request within 100 ms', async () => {
    upstream.enqueue(reply.sse(textChunks, { stall: { afterChunk: 2, ms: Infinity } }));
    const controller = new AbortController();
    const stream = adapter().stream(
      makeChatRequest(),
      makeCallOptions({ signal: controller.signal }),
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const request = await upstream.waitForRequest(0);
    const abortedAt = performance.now();
    controller.abort();
    const error = await gatewayErrorOf(iterator.next());
    expect(error.code).toBe('client_closed_request');
    const closed = await request.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - abortedAt).toBeLessThan(100);
  });

  it('closes the upstream request when the consumer stops early', async () => {
    upstream.enqueue(reply.sse(textChunks, { stall: { afterChunk: 2, ms: Infinity } }));
    const iterator = adapter().stream(makeChatRequest(), makeCallOptions())[Symbol.asyncIterator]();
    await iterator.next();
    const request = await upstream.waitForRequest(0);
    const stoppedAt = performance.now();
    await iterator.return?.();
    const closed = await request.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - stoppedAt).toBeLessThan(100);
  });
});
