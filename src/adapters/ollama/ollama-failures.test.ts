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
import { ndjsonReply } from './__fixtures__/ndjson-reply.js';
import { createOllamaAdapter } from './ollama-adapter.js';

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

function adapter(provider = 'ollama') {
  return createOllamaAdapter(
    makeDeployment({ provider, providerModel: 'llama9', apiBase: upstream.url, apiKey: undefined }),
    pools,
  );
}

const stream = (provider?: string) =>
  collect(adapter(provider).stream(makeChatRequest(), makeCallOptions()));

describe('ollama HTTP errors', () => {
  it.each([
    [404, 'ollama-error-not-found.json', 'upstream_not_found', 502, false],
    [500, 'ollama-error-server.json', 'upstream_error', 502, true],
    [503, 'ollama-error-server.json', 'upstream_error', 502, true],
    [429, 'ollama-error-server.json', 'upstream_rate_limited', 429, true],
    [401, 'ollama-error-server.json', 'upstream_auth_failed', 502, false],
  ] as const)('%i → %s', async (status, body, code, gatewayStatus, retryable) => {
    upstream.enqueue(reply.error(status, await loadJson(fixture(body))));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect({
      code: error.code,
      status: error.status,
      isRetryable: error.isRetryable,
      layer: error.layer,
      provider: error.provider,
      upstreamStatus: error.upstreamStatus,
    }).toEqual({
      code,
      status: gatewayStatus,
      isRetryable: retryable,
      layer: 'provider',
      provider: 'ollama',
      upstreamStatus: status,
    });
  });

  it('quotes the model-not-found message, for streams too, naming the ollama_chat prefix', async () => {
    upstream.enqueue(reply.error(404, await loadJson(fixture('ollama-error-not-found.json'))));
    const error = await gatewayErrorOf(stream('ollama_chat'));
    expect(error.message).toBe(
      'ollama_chat returned HTTP 404: model "llama9" not found, try pulling it first',
    );
    expect(error.provider).toBe('ollama_chat');
  });

  it('maps a context-length 400 to context_length_exceeded', async () => {
    upstream.enqueue(reply.error(400, { error: 'the input length exceeds the context length' }));
    const error = await gatewayErrorOf(
      adapter().embed({ model: 'e', input: 'x' }, makeCallOptions()),
    );
    expect(error.code).toBe('context_length_exceeded');
  });
});

describe('ollama stream failures', () => {
  it('throws an error line sent before any content from the first next()', async () => {
    upstream.enqueue(
      ndjsonReply(['{"error":"an error was encountered while running the model: unexpected EOF"}']),
    );
    const iterator = adapter().stream(makeChatRequest(), makeCallOptions())[Symbol.asyncIterator]();
    const error = await gatewayErrorOf(iterator.next());
    expect([error.code, error.isRetryable]).toEqual(['upstream_error', true]);
    expect(error.message).toContain('unexpected EOF');
  });

  it('fails after content on an error line', async () => {
    const lines = await loadChunks(fixture('ollama-text.chunks.txt'));
    upstream.enqueue(ndjsonReply([...lines.slice(0, 2), '{"error":"model runner crashed"}']));
    const error = await gatewayErrorOf(stream());
    expect(error.code).toBe('upstream_error');
  });

  it('treats a malformed line as upstream_invalid_response', async () => {
    const lines = await loadChunks(fixture('ollama-text.chunks.txt'));
    upstream.enqueue(ndjsonReply([lines[0]!, '{"model":"llama3.2","message":{"content":']));
    expect((await gatewayErrorOf(stream())).code).toBe('upstream_invalid_response');
    upstream.enqueue(ndjsonReply(['{"model":"llama3.2","message":{"content":42},"done":false}']));
    expect((await gatewayErrorOf(stream())).message).toContain(
      'message content or thinking is not a string',
    );
  });

  it('fails a body that ends without a done line, and a connection reset', async () => {
    const lines = await loadChunks(fixture('ollama-text.chunks.txt'));
    upstream.enqueue(ndjsonReply(lines.slice(0, 3)));
    expect((await gatewayErrorOf(stream())).code).toBe('upstream_connection_failed');
    upstream.enqueue(ndjsonReply(lines, { resetAfterChunk: 2 }));
    const reset = await gatewayErrorOf(stream());
    expect([reset.code, reset.isRetryable]).toEqual(['upstream_connection_failed', true]);
  });
});

describe('ollama parameters', () => {
  it.each([
    ['n', { n: 2 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['tool_choice', { tool_choice: 'required' as const }],
    ['parallel_tool_calls', { parallel_tool_calls: false }],
  ])('refuses %s with a 400 naming it and the provider', async (param, fields) => {
    const error = await gatewayErrorOf(
      adapter().generate(makeChatRequest(fields), makeCallOptions()),
    );
    expect([error.code, error.param, error.provider]).toEqual([
      'unsupported_parameter',
      param,
      'ollama',
    ]);
    expect(upstream.requests).toHaveLength(0);
  });

  it('drops them with a warning under drop_params', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    const options = makeCallOptions({ dropParams: true });
    await adapter().generate(makeChatRequest({ n: 2 }), options);
    expect(options.warnings.messages).toEqual(['dropped n: not supported by ollama']);
  });

  it('accepts user without sending it: the gateway records it on the spend row', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    const options = makeCallOptions();
    await adapter().generate(makeChatRequest({ user: 'u-1' }), options);
    expect(options.warnings.messages).toEqual([]);
    expect(JSON.stringify(upstream.requests[0]?.body)).not.toContain('u-1');
  });

  it('refuses image URLs it would have to fetch', async () => {
    const error = await gatewayErrorOf(
      adapter().generate(
        makeChatRequest({
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
            },
          ],
        }),
        makeCallOptions(),
      ),
    );
    expect([error.code, error.status, error.param]).toEqual([
      'invalid_request',
      400,
      'messages[0].content[0]',
    ]);
  });

  it('passes logprobs and maps them onto the choice', async () => {
    const logprobs = [
      {
        token: 'Hi',
        logprob: -0.01,
        bytes: [72, 105],
        top_logprobs: [{ token: 'Hi', logprob: -0.01, bytes: [72, 105] }],
      },
    ];
    upstream.enqueue(
      reply.json({ ...((await loadJson(fixture('ollama-text.json'))) as object), logprobs }),
    );
    const response = await adapter().generate(
      makeChatRequest({ logprobs: true, top_logprobs: 1 }),
      makeCallOptions(),
    );
    expect(upstream.requests[0]?.body).toMatchObject({ logprobs: true, top_logprobs: 1 });
    expect(response.choices[0]?.logprobs).toEqual({ content: logprobs });
  });
});
