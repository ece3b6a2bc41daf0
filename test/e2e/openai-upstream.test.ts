import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

const UPSTREAM_KEY = 'sk-upstream-secret-key-abcdefghijklmnop';

function completion(content: string) {
  return {
    id: 'chatcmpl-abc123',
    object: 'chat.completion',
    created: 1_731_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_0ba0d124f1',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
  };
}

/** OpenAI stream chunk payloads: role, one per word, finish, usage. */
function textChunks(words: string[]): string[] {
  const base = {
    id: 'chatcmpl-s1',
    object: 'chat.completion.chunk',
    created: 1_731_000_000,
    model: 'gpt-4o-mini',
  };
  return [
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    }),
    ...words.map((word) =>
      JSON.stringify({
        ...base,
        choices: [{ index: 0, delta: { content: word }, finish_reason: null }],
      }),
    ),
    JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    JSON.stringify({
      ...base,
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: words.length, total_tokens: 9 + words.length },
    }),
  ];
}

function toolCallChunks(): string[] {
  const base = {
    id: 'chatcmpl-t1',
    object: 'chat.completion.chunk',
    created: 1_731_000_000,
    model: 'gpt-4o-mini',
  };
  const delta = (tool: Record<string, unknown>) =>
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { tool_calls: [tool] }, finish_reason: null }],
    });
  return [
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }],
    }),
    delta({
      index: 0,
      id: 'call_a',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    }),
    delta({ index: 0, function: { arguments: '{"ci' } }),
    delta({ index: 0, function: { arguments: 'ty": "Par' } }),
    delta({ index: 0, function: { arguments: 'is"}' } }),
    delta({
      index: 1,
      id: 'call_b',
      type: 'function',
      function: { name: 'get_time', arguments: '' },
    }),
    delta({ index: 1, function: { arguments: '{"zone": "CET"}' } }),
    JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }),
    JSON.stringify({
      ...base,
      choices: [],
      usage: { prompt_tokens: 40, completion_tokens: 30, total_tokens: 70 },
    }),
  ];
}

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('the gateway in front of an OpenAI-compatible upstream', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

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
            timeout: 1,
          },
          model_info: { id: 'openai-1' },
        },
        {
          model_name: 'embed',
          litellm_params: {
            model: 'openai/text-embedding-3-small',
            api_base: `${upstream.url}/v1`,
            api_key: UPSTREAM_KEY,
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('forwards a chat with the deployment key and model, never the gateway key or gateway fields', async () => {
    upstream.enqueue(reply.json(completion('Hi there!')));
    // Gateway fields and a parameter the canonical schema does not know, as a user would send them.
    const body = {
      model: 'chat',
      messages,
      temperature: 0.2,
      metadata: { team: 'a' },
      mock_response: 'x',
      some_new_openai_param: { on: true },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const { data, response } = await gateway.openai.chat.completions.create(body).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hi there!');
    expect(data.system_fingerprint).toBe('fp_0ba0d124f1');
    expect(response.headers.get('x-tollgate-deployment')).toBe('openai-1');
    expect(response.headers.get('x-tollgate-provider')).toBe('openai');
    expect(response.headers.get('x-tollgate-attempts')).toBe('1');
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen.headers)).not.toContain(TEST_MASTER_KEY);
    expect(seen.body).toEqual({
      model: 'gpt-4o-mini',
      messages,
      temperature: 0.2,
      some_new_openai_param: { on: true },
    });
  });

  it('streams text and the usage chunk', async () => {
    upstream.enqueue(reply.sse(textChunks(['The', ' sky', ' is', ' blue.'])));
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('The sky is blue.');
    expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    const seen = await upstream.waitForRequest(0);
    expect(seen.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("sends unchanged chunks as the upstream's own text, without usage: null, and the SDK reads them", async () => {
    // Python servers write JSON with spaces: such text can only reach the client unchanged.
    const spaced = (value: unknown): string =>
      JSON.stringify(value).replaceAll('":', '": ').replaceAll(',"', ', "');
    const base = { id: 'chatcmpl-w1', object: 'chat.completion.chunk', created: 7, model: 'm-1' };
    const content = {
      ...base,
      service_tier: 'default',
      choices: [{ index: 0, delta: { content: 'Hi "there"' }, finish_reason: null }],
    };
    upstream.enqueue(
      reply.sse([
        spaced({ ...content, usage: null }).replace(', "usage": null}', ',"usage":null}'),
        JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
        JSON.stringify({
          ...base,
          choices: [],
          usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
        }),
      ]),
    );
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages, stream: true }),
    });
    const events = (await response.text()).split('\n\n').filter((event) => event !== '');
    expect(events[0]).toBe(`data: ${spaced(content)}`);
    expect(JSON.parse(events[0]?.slice('data: '.length) ?? '')).not.toHaveProperty('usage');
    expect(events.at(-1)).toBe('data: [DONE]');

    upstream.enqueue(reply.sse([spaced(content), ...textChunks([]).slice(2)]));
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]).toMatchObject({
      ...content,
      choices: [{ delta: { content: 'Hi "there"' } }],
    });
  });

  it('streams parallel tool calls whose argument deltas assemble to valid JSON', async () => {
    upstream.enqueue(reply.sse(toolCallChunks()));
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
      ],
    });
    const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { arguments: '' });
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        call.arguments += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(
      calls.map((call) => [call.id, call.name, JSON.parse(call.arguments) as unknown]),
    ).toEqual([
      ['call_a', 'get_weather', { city: 'Paris' }],
      ['call_b', 'get_time', { zone: 'CET' }],
    ]);
  });

  it('embeds through the upstream (base64 both ways)', async () => {
    const vector = Float32Array.from([0.25, -0.5, 0.125]);
    upstream.enqueue(
      reply.json({
        object: 'list',
        data: [
          {
            object: 'embedding',
            index: 0,
            embedding: Buffer.from(vector.buffer).toString('base64'),
          },
        ],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      }),
    );
    const result = await gateway.openai.embeddings.create({ model: 'embed', input: 'hello world' });
    expect(result.data[0]?.embedding).toEqual([0.25, -0.5, 0.125]);
    expect(result.usage.prompt_tokens).toBe(2);
  });

  it('an upstream 429 stays a 429 (RateLimitError) with its Retry-After', async () => {
    upstream.enqueue(
      reply.error(
        429,
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
        { retryAfter: '7' },
      ),
    );
    const failure = await gateway.openai.chat.completions
      .create({ model: 'chat', messages })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    const error = failure as APIError;
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.error).toMatchObject({
      layer: 'provider',
      provider: 'openai',
      upstream_status: 429,
    });
  });

  it('an upstream 500 is a 502 InternalServerError with the upstream status and body', async () => {
    upstream.enqueue(
      reply.error(500, { error: { message: 'The server had an error', type: 'server_error' } }),
    );
    const failure = await gateway.openai.chat.completions
      .create({ model: 'chat', messages })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure as APIError).status).toBe(502);
    expect((failure as APIError).error).toMatchObject({
      code: 'upstream_error',
      layer: 'provider',
      upstream_status: 500,
      upstream_body: expect.stringContaining('The server had an error') as unknown,
    });
  });

  it("an upstream 401 is the gateway's credential problem (502), never the client's 401", async () => {
    upstream.enqueue(
      reply.error(401, {
        error: {
          message: `Incorrect API key provided: ${UPSTREAM_KEY}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    );
    const failure = await gateway.openai.chat.completions
      .create({ model: 'chat', messages })
      .catch((e: unknown) => e);
    expect(failure).not.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((failure as APIError).status).toBe(502);
    expect(JSON.stringify((failure as APIError).error)).not.toContain(UPSTREAM_KEY);
  });

  it('invalid JSON from the upstream is a 502', async () => {
    upstream.enqueue(
      reply.json('{"id": "x", "choices": [', { headers: { 'content-type': 'application/json' } }),
    );
    const failure = await gateway.openai.chat.completions
      .create({ model: 'chat', messages })
      .catch((e: unknown) => e);
    expect((failure as APIError).status).toBe(502);
    expect((failure as APIError).error).toMatchObject({
      code: 'upstream_invalid_response',
      layer: 'provider',
    });
  });

  it('an upstream that hangs is a 504 after the deployment timeout, and the server keeps serving', async () => {
    upstream.enqueue(reply.hang());
    const started = performance.now();
    const failure = await gateway.openai.chat.completions
      .create({ model: 'chat', messages })
      .catch((e: unknown) => e);
    expect((failure as APIError).status).toBe(504);
    expect((failure as APIError).error).toMatchObject({
      code: 'upstream_timeout',
      layer: 'provider',
    });
    expect(performance.now() - started).toBeLessThan(3000);
    upstream.enqueue(reply.json(completion('fine again')));
    const again = await gateway.openai.chat.completions.create({ model: 'chat', messages });
    expect(again.choices[0]?.message.content).toBe('fine again');
  });

  it('a reset before the first byte of a stream is a normal 502 error response', async () => {
    upstream.enqueue(reply.reset());
    const failure = await gateway.openai.chat.completions
      .create({ model: 'chat', messages, stream: true })
      .catch((e: unknown) => e);
    expect((failure as APIError).status).toBe(502);
    expect((failure as APIError).error).toMatchObject({ code: 'upstream_connection_failed' });
  });

  it('a malformed chunk mid-stream ends the stream with an SSE error event the SDK raises', async () => {
    const chunks = textChunks(['one', ' two']);
    upstream.enqueue(reply.sse([chunks[0]!, chunks[1]!, '{"id": "broken', chunks[2]!]));
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
    });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('one');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as APIError).error).toMatchObject({
      code: 'upstream_invalid_response',
      layer: 'provider',
    });
  });

  it('a connection reset mid-stream ends the stream with an SSE error event', async () => {
    upstream.enqueue(reply.sse(textChunks(['a', ' b', ' c']), { resetAfterChunk: 2 }));
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
    });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('a');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as APIError).error).toMatchObject({
      code: 'upstream_connection_failed',
      layer: 'provider',
    });
  });

  it('streams for real: the first chunk reaches the client before an upstream stall ends', async () => {
    upstream.enqueue(
      reply.sse(textChunks(['first', ' second']), { stall: { afterChunk: 2, ms: 500 } }),
    );
    const started = performance.now();
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
    });
    let firstContentAt: number | undefined;
    let text = '';
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content ?? '';
      if (content !== '' && firstContentAt === undefined)
        firstContentAt = performance.now() - started;
      text += content;
    }
    const total = performance.now() - started;
    expect(text).toBe('first second');
    expect(firstContentAt).toBeLessThan(250);
    expect(total).toBeGreaterThanOrEqual(500);
  });

  it('a client abort closes the upstream request within 100 ms', async () => {
    upstream.enqueue(reply.sse(textChunks(['x', ' y']), { stall: { afterChunk: 2, ms: 5_000 } }));
    const controller = new AbortController();
    const stream = await gateway.openai.chat.completions.create(
      { model: 'chat', messages, stream: true },
      { signal: controller.signal },
    );
    let abortedAt = 0;
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content === 'x') {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    })().catch(() => undefined);
    const seen = await upstream.waitForRequest(0);
    const closed = await seen.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - abortedAt).toBeLessThan(100);
  });

  it('a client abort of a JSON call closes the upstream request within 100 ms', async () => {
    upstream.enqueue(reply.json(completion('late'), { delayMs: 5_000 }));
    const controller = new AbortController();
    const pending = gateway.openai.chat.completions.create(
      { model: 'chat', messages },
      { signal: controller.signal, maxRetries: 0 },
    );
    const seen = await upstream.waitForRequest(0);
    const abortedAt = performance.now();
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    const closed = await seen.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - abortedAt).toBeLessThan(100);
  });

  it('100 sequential calls reuse one upstream connection', async () => {
    // Its own upstream and gateway, so no other test's connections are counted.
    const dedicated = await startFakeUpstream();
    dedicated.setDefault(reply.json(completion('ok')));
    const fresh = await startTestGateway({
      model_list: [
        {
          model_name: 'chat',
          litellm_params: {
            model: 'openai/gpt-4o-mini',
            api_base: `${dedicated.url}/v1`,
            api_key: UPSTREAM_KEY,
          },
        },
      ],
    });
    try {
      for (let index = 0; index < 100; index += 1) {
        await fresh.openai.chat.completions.create({ model: 'chat', messages });
      }
      expect(dedicated.requests).toHaveLength(100);
      expect(dedicated.connectionCount).toBe(1);
    } finally {
      await fresh.close();
      await dedicated.close();
    }
  });
});
