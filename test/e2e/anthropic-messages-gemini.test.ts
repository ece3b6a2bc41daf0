import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/**
 * The official @anthropic-ai/sdk against `/v1/messages` in front of the Gemini adapter (Google
 * AI Studio wire format, served by the fake upstream from the adapter's fixtures).
 */

const GEMINI_KEY = 'AIzaSy-upstream-secret-0123456789abcdef';
const fixture = (name: string) =>
  new URL(`../../src/adapters/gemini/__fixtures__/${name}`, import.meta.url);

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a location',
  input_schema: {
    type: 'object',
    properties: { location: { type: 'string' } },
    required: ['location'],
  },
};

describe('@anthropic-ai/sdk → /v1/messages → gemini adapter', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: Anthropic;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway({
      model_list: [
        {
          model_name: 'gemini',
          litellm_params: {
            model: 'gemini/gemini-2.5-flash',
            api_base: upstream.url,
            api_key: GEMINI_KEY,
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

  it('answers a message, system prompt lifted to systemInstruction', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    const message = await client.messages.create({
      model: 'gemini',
      max_tokens: 256,
      system: 'Be nice.',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
      stop_reason: 'end_turn',
      // Gemini's candidates (9) plus thoughts (25) are the output tokens.
      usage: { input_tokens: 4, output_tokens: 34 },
    });
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(seen.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(seen.body).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be nice.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
      generationConfig: { maxOutputTokens: 256 },
    });
  });

  it('runs a tool-use round trip with parallel calls', async () => {
    upstream.enqueue(
      reply.json(await loadJson(fixture('gemini-tool-call.json'))),
      reply.json(await loadJson(fixture('gemini-text.json'))),
    );
    const question: Anthropic.MessageParam = {
      role: 'user',
      content: 'Weather in Paris and Tokyo?',
    };
    const first = await client.messages.create({
      model: 'gemini',
      max_tokens: 256,
      messages: [question],
      tools: [weatherTool],
    });
    expect(first.stop_reason).toBe('tool_use');
    const calls = first.content.filter((block) => block.type === 'tool_use');
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['get_weather', { location: 'Paris, France' }],
      ['get_weather', { location: 'Tokyo, Japan' }],
    ]);
    const [paris, tokyo] = calls;
    const second = await client.messages.create({
      model: 'gemini',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: paris!.id, content: 'Sunny, 24°C' },
            { type: 'tool_result', tool_use_id: tokyo!.id, content: 'Rain, 18°C' },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Hello! How can I help you today?' }]);
    const seen = await upstream.waitForRequest(1);
    const contents = (seen.body as { contents: Array<{ role: string; parts: unknown[] }> })
      .contents;
    expect(contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
    // Gemini's thought signatures live in provider_metadata, which Anthropic clients do not send
    // back; for Gemini 3 models the adapter then sends Google's documented stand-in
    // (https://ai.google.dev/gemini-api/docs/thought-signatures).
    expect(contents[1]?.parts).toMatchObject([
      {
        functionCall: { name: 'get_weather', args: { location: 'Paris, France' } },
      },
      { functionCall: { name: 'get_weather', args: { location: 'Tokyo, Japan' } } },
    ]);
    expect(contents[2]?.parts).toMatchObject([
      { functionResponse: { name: 'get_weather' } },
      { functionResponse: { name: 'get_weather' } },
    ]);
  });

  it('streams tool calls whose input_json_delta pieces assemble to valid JSON', async () => {
    upstream.enqueue(
      reply.sse(await loadChunks(fixture('gemini-tool-call.chunks.txt')), { done: false }),
    );
    const stream = client.messages.stream({
      model: 'gemini',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      tools: [weatherTool],
    });
    const pieces = new Map<number, string>();
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        pieces.set(event.index, (pieces.get(event.index) ?? '') + event.delta.partial_json);
      }
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(
      message.content.map((block) => (block.type === 'tool_use' ? block.input : block.type)),
    ).toEqual([{ location: 'Paris, France' }, { location: 'Tokyo, Japan' }]);
    expect([...pieces.values()].map((json) => JSON.parse(json) as unknown)).toEqual([
      { location: 'Paris, France' },
      { location: 'Tokyo, Japan' },
    ]);
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(seen.query.alt).toBe('sse');
  });

  it('streams thought parts as a thinking block before the text', async () => {
    upstream.enqueue(
      reply.sse(await loadChunks(fixture('gemini-thinking.chunks.txt')), { done: false }),
    );
    const message = await client.messages
      .stream({
        model: 'gemini',
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: [{ role: 'user', content: 'What is 17 + 25?' }],
      })
      .finalMessage();
    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: '**Calculating the sum**\n\nI am adding 17 and 25: 17 + 25 = 42.\n',
        signature: '',
      },
      { type: 'text', text: '17 + 25 = 42.' },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 11, output_tokens: 338 });
  });

  it('a Gemini 429 is a RateLimitError', async () => {
    upstream.enqueue(reply.error(429, await loadJson(fixture('gemini-error-rate-limit.json'))));
    const failure = await client.messages
      .create({ model: 'gemini', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.RateLimitError);
    expect((failure as APIError).error).toMatchObject({
      error: { type: 'rate_limit_error', provider: 'gemini', upstream_status: 429 },
    });
  });
});
