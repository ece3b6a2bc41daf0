import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestServiceAccount } from '../../src/adapters/vertex-ai/__fixtures__/service-account.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/**
 * The official `openai` SDK through the gateway in front of the Gemini API (`gemini/`) and Vertex
 * AI (`vertex_ai/`, with service-account auth), served by the fake upstream from the adapters'
 * fixtures.
 */

const GEMINI_KEY = 'AIzaSyD-upstream-secret-0123456789abcdef';
const geminiFixture = (name: string) =>
  new URL(`../../src/adapters/gemini/__fixtures__/${name}`, import.meta.url);
const vertexFixture = (name: string) =>
  new URL(`../../src/adapters/vertex-ai/__fixtures__/${name}`, import.meta.url);

const messages = [{ role: 'user' as const, content: 'Hello' }];
const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
    },
  },
};

async function events(url: URL) {
  return reply.sse(await loadChunks(url), { done: false });
}

describe('the gateway in front of Gemini and Vertex AI', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    const account = await createTestServiceAccount(`${upstream.url}/token`);
    gateway = await startTestGateway({
      model_list: [
        {
          model_name: 'gemini',
          litellm_params: {
            model: 'gemini/gemini-2.5-flash',
            api_base: upstream.url,
            api_key: GEMINI_KEY,
          },
          model_info: { id: 'gemini-1' },
        },
        {
          model_name: 'gemini-embed',
          litellm_params: {
            model: 'gemini/gemini-embedding-001',
            api_base: upstream.url,
            api_key: GEMINI_KEY,
          },
        },
        {
          model_name: 'vertex',
          litellm_params: {
            model: 'vertex_ai/gemini-2.5-flash',
            api_base: upstream.url,
            vertex_project: 'tollgate-test',
            vertex_location: 'us-central1',
            vertex_credentials: JSON.stringify(account.json),
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

  it('chats through gemini/ with the deployment key, thoughts counted as reasoning tokens', async () => {
    upstream.enqueue(reply.json(await loadJson(geminiFixture('gemini-text.json'))));
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: 'gemini', messages: [{ role: 'system', content: 'Be nice.' }, ...messages] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({
      prompt_tokens: 4,
      completion_tokens: 34,
      total_tokens: 38,
      completion_tokens_details: { reasoning_tokens: 25 },
    });
    expect(response.headers.get('x-tollgate-provider')).toBe('gemini');
    expect(response.headers.get('x-tollgate-deployment')).toBe('gemini-1');
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(seen.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(JSON.stringify(seen.headers)).not.toContain(TEST_MASTER_KEY);
    expect(seen.body).toEqual({
      systemInstruction: { parts: [{ text: 'Be nice.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
    });
  });

  it('streams text and the usage chunk', async () => {
    upstream.enqueue(await events(geminiFixture('gemini-text.chunks.txt')));
    const stream = await gateway.openai.chat.completions.create({
      model: 'gemini',
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
    expect(text).toBe('Hello! How can I help you today?');
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 34, total_tokens: 38 });
  });

  it('streams parallel tool calls whose deltas assemble to valid JSON', async () => {
    upstream.enqueue(await events(geminiFixture('gemini-tool-call.chunks.txt')));
    const stream = await gateway.openai.chat.completions.create({
      model: 'gemini',
      messages,
      stream: true,
      tools: [weatherTool],
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
    expect(calls.map((call) => [call.name, JSON.parse(call.arguments) as unknown])).toEqual([
      ['get_weather', { location: 'Paris, France' }],
      ['get_weather', { location: 'Tokyo, Japan' }],
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
  });

  it('returns reasoning_content for reasoning_effort and structured output as content', async () => {
    upstream.enqueue(reply.json(await loadJson(geminiFixture('gemini-thinking.json'))));
    const reasoning = await gateway.openai.chat.completions.create({
      model: 'gemini',
      messages,
      reasoning_effort: 'low',
    });
    const message = reasoning.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    expect(message.content).toBe('17 + 25 = 42.');
    expect(message.reasoning_content).toContain('Calculating the sum');
    expect((await upstream.waitForRequest(0)).body).toMatchObject({
      generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    });

    upstream.enqueue(reply.json(await loadJson(geminiFixture('gemini-structured-output.json'))));
    const structured = await gateway.openai.chat.completions.create({
      model: 'gemini',
      messages,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'weather',
          schema: {
            type: 'object',
            properties: { city: { type: 'string' }, temperature_c: { type: 'number' } },
            required: ['city', 'temperature_c'],
          },
        },
      },
    });
    expect(JSON.parse(structured.choices[0]?.message.content ?? '')).toEqual({
      city: 'Paris',
      temperature_c: 18,
    });
  });

  it('lists schema keywords Gemini cannot express in x-tollgate-warnings', async () => {
    upstream.enqueue(reply.json(await loadJson(geminiFixture('gemini-tool-call.json'))));
    const { response } = await gateway.openai.chat.completions
      .create({
        model: 'gemini',
        messages,
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              parameters: {
                type: 'object',
                properties: { days: { type: 'integer', exclusiveMinimum: 0 } },
              },
            },
          },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-tollgate-warnings')).toContain(
      'properties.days.exclusiveMinimum',
    );
  });

  it('an unsupported parameter is a 400 naming it and the provider', async () => {
    const failure = await gateway.openai.chat.completions
      .create({ model: 'gemini', messages, logit_bias: { '42': 1 } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as APIError).error).toMatchObject({
      code: 'unsupported_parameter',
      param: 'logit_bias',
    });
    expect((failure as APIError).message).toContain('gemini');
    expect(upstream.requests).toHaveLength(0);
  });

  it('an upstream 429 stays a 429 (RateLimitError) with the RetryInfo delay', async () => {
    upstream.enqueue(
      reply.error(429, await loadJson(geminiFixture('gemini-error-rate-limit.json'))),
    );
    const failure = await gateway.openai.chat.completions
      .create({ model: 'gemini', messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    expect((failure as APIError).headers?.get('retry-after')).toBe('37');
    expect((failure as APIError).error).toMatchObject({
      layer: 'provider',
      provider: 'gemini',
      upstream_status: 429,
    });
  });

  it('a rejected API key is a 502, never the client 401, and the key is not quoted', async () => {
    upstream.enqueue(
      reply.error(400, await loadJson(geminiFixture('gemini-error-api-key-invalid.json'))),
    );
    const failure = await gateway.openai.chat.completions
      .create({ model: 'gemini', messages })
      .catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((failure as APIError).status).toBe(502);
    expect((failure as APIError).error).toMatchObject({ code: 'upstream_auth_failed' });
    expect(JSON.stringify((failure as APIError).error)).not.toContain(GEMINI_KEY);
  });

  it('a blocked prompt is a 400 content_policy_violation', async () => {
    upstream.enqueue(reply.json(await loadJson(geminiFixture('gemini-blocked-prompt.json'))));
    const failure = await gateway.openai.chat.completions
      .create({ model: 'gemini', messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as APIError).error).toMatchObject({
      code: 'content_policy_violation',
      layer: 'provider',
    });
  });

  it('embeds through batchEmbedContents (base64 to the SDK)', async () => {
    upstream.enqueue(reply.json(await loadJson(geminiFixture('gemini-batch-embed-contents.json'))));
    const result = await gateway.openai.embeddings.create({
      model: 'gemini-embed',
      input: ['first', 'second'],
    });
    expect(upstream.requests[0]?.path).toBe(
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
    );
    expect(result.data.map((entry) => entry.embedding)).toEqual([
      [0.0023064255, -0.009327292, 0.015797377].map(Math.fround),
      [-0.012836426, 0.006137431, 0.0079043].map(Math.fround),
    ]);
  });

  it('chats and streams through vertex_ai/ with a service-account token', async () => {
    upstream.enqueue(
      reply.json(await loadJson(vertexFixture('vertex-ai-token.json'))),
      reply.json(await loadJson(vertexFixture('vertex-ai-text.json'))),
      await events(vertexFixture('vertex-ai-text.chunks.txt')),
    );
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: 'vertex', messages })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(response.headers.get('x-tollgate-provider')).toBe('vertex_ai');
    const stream = await gateway.openai.chat.completions.create({
      model: 'vertex',
      messages,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello! How can I help you today?');
    const modelPath =
      '/v1/projects/tollgate-test/locations/us-central1/publishers/google/models/gemini-2.5-flash';
    expect(upstream.requests.map((request) => request.url)).toEqual([
      '/token',
      `${modelPath}:generateContent`,
      `${modelPath}:streamGenerateContent?alt=sse`,
    ]);
    expect(upstream.requests[2]?.headers.authorization).toBe(
      'Bearer ya29.c.c0ASRK0GZ_test_access_token_9a8b7c6d5e4f3g2h1i0j',
    );
  });
});
