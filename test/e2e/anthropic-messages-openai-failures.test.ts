import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/**
 * Failures through `/v1/messages` in front of an OpenAI-compatible upstream, as the official
 * @anthropic-ai/sdk sees them: upstream error statuses become the SDK's error classes (same
 * statuses as the OpenAI shim), a failure after the stream started ends it with Anthropic's
 * `error` event, and a client abort reaches the upstream.
 */

const UPSTREAM_KEY = 'sk-upstream-secret-key-abcdefghijklmnop';

const chunkBase = {
  id: 'chatcmpl-s1',
  object: 'chat.completion.chunk',
  created: 1_731_000_000,
  model: 'gpt-4o-mini',
};

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return JSON.stringify({ ...chunkBase, choices: [{ index: 0, delta, finish_reason: finish }] });
}

/** OpenAI stream payloads: role, one per word, finish, usage. */
function textChunks(words: string[]): string[] {
  return [
    chunk({ role: 'assistant', content: '' }),
    ...words.map((word) => chunk({ content: word })),
    chunk({}, 'stop'),
    JSON.stringify({
      ...chunkBase,
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: words.length, total_tokens: 9 + words.length },
    }),
  ];
}

describe('@anthropic-ai/sdk → /v1/messages → openai adapter: failures', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: Anthropic;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway({
      model_list: [
        {
          model_name: 'chat',
          litellm_params: {
            model: 'openai/gpt-4o-mini',
            api_base: `${upstream.url}/v1`,
            api_key: UPSTREAM_KEY,
            timeout: 2,
          },
        },
      ],
    });
    client = new Anthropic({
      apiKey: TEST_MASTER_KEY,
      baseURL: gateway.url,
      maxRetries: 0,
      timeout: 10_000,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('an upstream 429 is a RateLimitError with its Retry-After', async () => {
    upstream.enqueue(
      reply.error(
        429,
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
        { retryAfter: '7' },
      ),
    );
    const failure = await client.messages
      .create({ model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.RateLimitError);
    const error = failure as APIError;
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.type).toBe('rate_limit_error');
    expect(error.error).toMatchObject({
      type: 'error',
      error: { layer: 'provider', provider: 'openai', upstream_status: 429 },
    });
  });

  it('an upstream 500 is a 502 InternalServerError; an upstream 401 is never the client’s', async () => {
    upstream.enqueue(
      reply.error(500, { error: { message: 'The server had an error', type: 'server_error' } }),
      reply.error(401, { error: { message: `Incorrect API key provided: ${UPSTREAM_KEY}` } }),
    );
    const request = {
      model: 'chat',
      max_tokens: 10,
      messages: [{ role: 'user' as const, content: 'x' }],
    };
    const serverError = await client.messages.create(request).catch((error: unknown) => error);
    expect(serverError).toBeInstanceOf(Anthropic.InternalServerError);
    expect((serverError as APIError).status).toBe(502);
    expect((serverError as APIError).type).toBe('api_error');
    const authError = await client.messages.create(request).catch((error: unknown) => error);
    expect(authError).not.toBeInstanceOf(Anthropic.AuthenticationError);
    expect((authError as APIError).status).toBe(502);
    expect(JSON.stringify((authError as APIError).error)).not.toContain(UPSTREAM_KEY);
  });

  it('a malformed chunk mid-stream raises through the SDK stream', async () => {
    const chunks = textChunks(['one', ' two']);
    upstream.enqueue(reply.sse([chunks[0]!, chunks[1]!, '{"id": "broken', chunks[2]!]));
    const stream = await client.messages.create({
      model: 'chat',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let text = '';
    const failure = await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          text += event.delta.text;
        }
      }
    })().catch((error: unknown) => error);
    expect(text).toBe('one');
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error', code: 'upstream_invalid_response', layer: 'provider' },
    });
  });

  it('a connection reset mid-stream rejects the helper’s finalMessage', async () => {
    upstream.enqueue(reply.sse(textChunks(['a', ' b', ' c']), { resetAfterChunk: 2 }));
    const stream = client.messages.stream({
      model: 'chat',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
    });
    const failure = await stream.finalMessage().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as APIError).error).toMatchObject({
      error: { code: 'upstream_connection_failed' },
    });
  });

  it('streams for real, and a client abort closes the upstream request', async () => {
    upstream.enqueue(
      reply.sse(textChunks(['first', ' second']), { stall: { afterChunk: 2, ms: 5_000 } }),
    );
    const controller = new AbortController();
    const started = performance.now();
    const stream = await client.messages.create(
      { model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: controller.signal },
    );
    let abortedAt = 0;
    await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta') {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    })().catch(() => undefined);
    // The first text arrived while the upstream was still stalled.
    expect(abortedAt - started).toBeLessThan(2_000);
    const closed = await (await upstream.waitForRequest(0)).closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - abortedAt).toBeLessThan(100);
  });

  it('a failure before the first chunk is a normal error response', async () => {
    upstream.enqueue(reply.reset());
    const failure = await client.messages
      .create({
        model: 'chat',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.InternalServerError);
    expect((failure as APIError).status).toBe(502);
  });
});
