import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
  gatewayErrorOf,
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
} from '../../../test/support/adapter-harness.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import type { ChatChunk } from '../../core/chat-chunk.js';
import { createGeminiAdapter } from './gemini-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const KEY = 'AIzaSyD-test-0123456789abcdefghijklmnop';

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
      providerModel: 'gemini-2.5-flash',
      apiBase: upstream.url,
      apiKey: KEY,
    }),
    pools,
  );
}

/** Drains a stream, keeping the chunks received before it failed. */
async function drain(stream: AsyncIterable<ChatChunk>, received: ChatChunk[]): Promise<void> {
  for await (const chunk of stream) received.push(chunk);
}

describe('gemini adapter: upstream errors', () => {
  it.each([
    {
      file: 'gemini-error-rate-limit.json',
      status: 429,
      code: 'upstream_rate_limited',
      retryable: true,
      retryAfter: 37,
    },
    {
      file: 'gemini-error-server.json',
      status: 500,
      code: 'upstream_error',
      retryable: true,
      retryAfter: undefined,
    },
    {
      file: 'gemini-error-overloaded.json',
      status: 503,
      code: 'upstream_overloaded',
      retryable: true,
      retryAfter: undefined,
    },
    {
      file: 'gemini-error-api-key-invalid.json',
      status: 400,
      code: 'upstream_auth_failed',
      retryable: false,
      retryAfter: undefined,
    },
    {
      file: 'gemini-error-permission-denied.json',
      status: 403,
      code: 'upstream_auth_failed',
      retryable: false,
      retryAfter: undefined,
    },
    {
      file: 'gemini-error-context-length.json',
      status: 400,
      code: 'context_length_exceeded',
      retryable: false,
      retryAfter: undefined,
    },
    {
      file: 'gemini-error-invalid-argument.json',
      status: 400,
      code: 'upstream_bad_request',
      retryable: false,
      retryAfter: undefined,
    },
  ])('maps HTTP $status $file to $code', async ({ file, status, code, retryable, retryAfter }) => {
    upstream.enqueue(reply.error(status, await loadJson(fixture(file))));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect({
      code: error.code,
      layer: error.layer,
      provider: error.provider,
      upstreamStatus: error.upstreamStatus,
      isRetryable: error.isRetryable,
      retryAfterSeconds: error.retryAfterSeconds,
    }).toEqual({
      code,
      layer: 'provider',
      provider: 'gemini',
      upstreamStatus: status,
      isRetryable: retryable,
      retryAfterSeconds: retryAfter,
    });
    expect(error.upstreamBody).not.toContain(KEY);
  });

  it('an upstream auth failure is a 502, never the client 401', async () => {
    upstream.enqueue(
      reply.error(400, await loadJson(fixture('gemini-error-api-key-invalid.json'))),
    );
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(error.status).toBe(502);
    expect(error.message).toContain("rejected the gateway's upstream credentials");
  });

  it('prefers a Retry-After header over the RetryInfo delay', async () => {
    upstream.enqueue(
      reply.error(429, await loadJson(fixture('gemini-error-rate-limit.json')), {
        retryAfter: '5',
      }),
    );
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(error.retryAfterSeconds).toBe(5);
  });

  it('reads the error envelope inside a JSON array (non-SSE streaming answers)', async () => {
    const body = [await loadJson(fixture('gemini-error-context-length.json'))];
    upstream.enqueue(reply.error(400, body));
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('context_length_exceeded');
  });

  it('fails a stream before its first chunk on a 429', async () => {
    upstream.enqueue(reply.error(429, await loadJson(fixture('gemini-error-rate-limit.json'))));
    const received: ChatChunk[] = [];
    const error = await gatewayErrorOf(
      drain(adapter().stream(makeChatRequest(), makeCallOptions()), received),
    );
    expect(received).toEqual([]);
    expect(error.code).toBe('upstream_rate_limited');
  });
});

describe('gemini adapter: blocked prompts', () => {
  it('is a content_policy_violation for generate', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-blocked-prompt.json'))));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect({ code: error.code, status: error.status, isRetryable: error.isRetryable }).toEqual({
      code: 'content_policy_violation',
      status: 400,
      isRetryable: false,
    });
    expect(error.message).toContain('PROHIBITED_CONTENT');
  });

  it('is thrown before the first chunk of a stream', async () => {
    const blocked = JSON.stringify(await loadJson(fixture('gemini-blocked-prompt.json')));
    upstream.enqueue(reply.sse([blocked], { done: false }));
    const received: ChatChunk[] = [];
    const error = await gatewayErrorOf(
      drain(adapter().stream(makeChatRequest(), makeCallOptions()), received),
    );
    expect(received).toEqual([]);
    expect(error.code).toBe('content_policy_violation');
  });
});

describe('gemini adapter: broken streams', () => {
  it('maps an error event after the first chunk', async () => {
    const [first] = await loadChunks(fixture('gemini-text.chunks.txt'));
    const failure = JSON.stringify(await loadJson(fixture('gemini-error-overloaded.json')));
    upstream.enqueue(reply.sse([first!, failure], { done: false }));
    const received: ChatChunk[] = [];
    const error = await gatewayErrorOf(
      drain(adapter().stream(makeChatRequest(), makeCallOptions()), received),
    );
    expect(received).toHaveLength(1);
    expect(error.code).toBe('upstream_overloaded');
  });

  it('a malformed event is upstream_invalid_response', async () => {
    const [first] = await loadChunks(fixture('gemini-text.chunks.txt'));
    upstream.enqueue(
      reply.sse([first!, '{"candidates": [{"content": {"parts": [{"text": 42}]}}]}'], {
        done: false,
      }),
    );
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect({ code: error.code, status: error.status }).toEqual({
      code: 'upstream_invalid_response',
      status: 502,
    });
    expect(error.message).toContain('part.text is not a string');
  });

  it('a body that ends before finishReason was cut off', async () => {
    const chunks = await loadChunks(fixture('gemini-text.chunks.txt'));
    upstream.enqueue(reply.sse(chunks.slice(0, 2), { done: false }));
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect(error.code).toBe('upstream_connection_failed');
  });

  it('a connection reset mid-stream fails after the chunks already sent', async () => {
    const chunks = await loadChunks(fixture('gemini-text.chunks.txt'));
    upstream.enqueue(reply.sse(chunks, { done: false, resetAfterChunk: 1 }));
    const received: ChatChunk[] = [];
    const error = await gatewayErrorOf(
      drain(adapter().stream(makeChatRequest(), makeCallOptions()), received),
    );
    expect(received.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(['Hello']);
    expect(error.code).toBe('upstream_connection_failed');
  });
});

describe('gemini adapter: requests it cannot send', () => {
  it.each([
    ['logit_bias', { logit_bias: { '42': 1 } }],
    ['logprobs', { logprobs: true }],
    ['parallel_tool_calls', { parallel_tool_calls: false }],
    ['prediction', { prediction: { type: 'content', content: 'x' } }],
  ])('refuses %s naming it and the provider', async (param, fields) => {
    const error = await gatewayErrorOf(
      adapter().generate(makeChatRequest(fields), makeCallOptions()),
    );
    expect({ code: error.code, status: error.status, param: error.param }).toEqual({
      code: 'unsupported_parameter',
      status: 400,
      param,
    });
    expect(error.message).toContain('gemini');
    expect(upstream.requests).toHaveLength(0);
  });

  it('drops them with a warning under drop_params', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    const options = makeCallOptions({ dropParams: true });
    // `user` is not among them: the gateway records it on the spend row, nothing to drop.
    await adapter().generate(makeChatRequest({ logit_bias: { '1': 1 }, user: 'u' }), options);
    expect(options.warnings.messages).toEqual([
      'dropped logit_bias: not supported by gemini (Gemini has no token biasing)',
    ]);
    expect(upstream.requests[0]?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }],
    });
  });

  it('refuses a tool schema Gemini cannot express, naming where', async () => {
    const error = await gatewayErrorOf(
      adapter().generate(
        makeChatRequest({
          tools: [
            {
              type: 'function',
              function: {
                name: 'f',
                parameters: { type: 'object', properties: { a: { not: { type: 'string' } } } },
              },
            },
          ],
        }),
        makeCallOptions(),
      ),
    );
    expect({ code: error.code, param: error.param }).toEqual({
      code: 'unsupported_parameter',
      param: 'tools[0].function.parameters',
    });
    expect(error.message).toContain('tools[0].function.parameters.properties.a: "not"');
  });

  it('warns about schema keywords it drops', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    const options = makeCallOptions();
    await adapter().generate(
      makeChatRequest({
        tools: [
          {
            type: 'function',
            function: {
              name: 'f',
              parameters: {
                type: 'object',
                properties: { n: { type: 'number', exclusiveMinimum: 0 } },
                additionalProperties: { type: 'string' },
              },
            },
          },
        ],
      }),
      options,
    );
    expect(options.warnings.messages).toEqual([
      'gemini cannot express properties.n.exclusiveMinimum, additionalProperties in tools[0].function.parameters; dropped',
    ]);
  });

  it('refuses a tool result whose call it cannot name', async () => {
    const error = await gatewayErrorOf(
      adapter().generate(
        makeChatRequest({
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'tool', tool_call_id: 'call_unknown', content: '{}' },
          ],
        }),
        makeCallOptions(),
      ),
    );
    expect({ code: error.code, param: error.param }).toEqual({
      code: 'invalid_request',
      param: 'messages[1].tool_call_id',
    });
  });

  it('refuses a tool_choice naming a function that is not in tools', async () => {
    const error = await gatewayErrorOf(
      adapter().generate(
        makeChatRequest({ tool_choice: { type: 'function', function: { name: 'missing' } } }),
        makeCallOptions(),
      ),
    );
    expect({ code: error.code, param: error.param }).toEqual({
      code: 'invalid_request',
      param: 'tool_choice',
    });
  });
});
