import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ndjsonReply } from '../../src/adapters/ollama/__fixtures__/ndjson-reply.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/** The official openai SDK through the gateway, in front of a (fake) Ollama server. */

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/ollama/__fixtures__/${name}`, import.meta.url);

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('the gateway in front of Ollama', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway({
      model_list: [
        {
          model_name: 'local',
          litellm_params: { model: 'ollama/llama3.2', api_base: upstream.url },
        },
        {
          model_name: 'local-chat',
          litellm_params: { model: 'ollama_chat/qwen3', api_base: upstream.url },
        },
        {
          model_name: 'embed',
          litellm_params: { model: 'ollama/all-minilm', api_base: upstream.url },
        },
      ],
      litellm_settings: { drop_params: false },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('chats through /api/chat, with provider options merged and no auth header', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    const body = {
      model: 'local',
      messages,
      temperature: 0.1,
      max_tokens: 64,
      provider_options: { ollama: { options: { num_ctx: 4096 }, keep_alive: '5m' } },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const { data, response } = await gateway.openai.chat.completions.create(body).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(data.usage).toMatchObject({
      prompt_tokens: 26,
      completion_tokens: 10,
      total_tokens: 36,
    });
    expect(response.headers.get('x-tollgate-provider')).toBe('ollama');
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/api/chat');
    expect(seen.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(TEST_MASTER_KEY);
    expect(seen.body).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: false,
      options: { temperature: 0.1, num_predict: 64, num_ctx: 4096 },
      keep_alive: '5m',
    });
  });

  it('streams NDJSON as SSE with the usage chunk', async () => {
    upstream.enqueue(
      ndjsonReply(await loadChunks(fixture('ollama-text.chunks.txt')), { pieceChars: 17 }),
    );
    const stream = await gateway.openai.chat.completions.create({
      model: 'local',
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
    expect(usage).toMatchObject({ prompt_tokens: 26, completion_tokens: 10, total_tokens: 36 });
  });

  it('streams tool calls Ollama numbers 0 and 0 as OpenAI indexes 0 and 1 (ollama_chat/)', async () => {
    upstream.enqueue(ndjsonReply(await loadChunks(fixture('ollama-tool-call.chunks.txt'))));
    const stream = await gateway.openai.chat.completions.create({
      model: 'local-chat',
      messages,
      stream: true,
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
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
    expect(calls.map((call) => [call.name, JSON.parse(call.arguments) as unknown])).toEqual([
      ['get_weather', { location: 'Paris, France' }],
      ['get_weather', { location: 'Tokyo, Japan' }],
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect((await upstream.waitForRequest(0)).path).toBe('/api/chat');
  });

  it('maps reasoning_effort to think and returns reasoning_content', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-thinking.json'))));
    const completion = await gateway.openai.chat.completions.create({
      model: 'local-chat',
      messages,
      reasoning_effort: 'medium',
    });
    const message = completion.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    expect(message.reasoning_content).toBe('The user wants 27 * 453. That is 12231.');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect((await upstream.waitForRequest(0)).body).toMatchObject({ think: true });
  });

  it('asks for structured output with format, and returns the JSON as content', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-structured.json'))));
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, temperature_c: { type: 'number' } },
    };
    const completion = await gateway.openai.chat.completions.create({
      model: 'local',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema } },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({
      city: 'Paris',
      temperature_c: 18,
    });
    expect((await upstream.waitForRequest(0)).body).toMatchObject({ format: schema });
  });

  it('embeds through /api/embed (base64 to the SDK)', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-embed.json'))));
    const result = await gateway.openai.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[1]?.embedding[1]).toBeCloseTo(0.06042469, 6);
    expect(result.usage.prompt_tokens).toBe(8);
    expect((await upstream.waitForRequest(0)).path).toBe('/api/embed');
  });

  it('an unknown model (404) is a 502 upstream_not_found naming the message', async () => {
    upstream.enqueue(reply.error(404, await loadJson(fixture('ollama-error-not-found.json'))));
    const failure = await gateway.openai.chat.completions
      .create({ model: 'local', messages })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    const error = failure as APIError;
    expect(error.status).toBe(502);
    expect(error.error).toMatchObject({
      code: 'upstream_not_found',
      provider: 'ollama',
      upstream_status: 404,
    });
    expect(error.message).toContain('try pulling it first');
  });

  it('an error line after the first chunk ends the SSE stream with an error the SDK raises', async () => {
    const lines = await loadChunks(fixture('ollama-text.chunks.txt'));
    upstream.enqueue(ndjsonReply([...lines.slice(0, 2), '{"error":"model runner crashed"}']));
    const stream = await gateway.openai.chat.completions.create({
      model: 'local',
      messages,
      stream: true,
    });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('Hello! How can I');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });
});
