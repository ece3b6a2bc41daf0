import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
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
import { ndjsonReply } from './__fixtures__/ndjson-reply.js';
import { createOllamaAdapter } from './ollama-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

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
  return createOllamaAdapter(
    makeDeployment({
      provider: 'ollama',
      providerModel: 'llama3.2',
      apiBase: upstream.url,
      apiKey: undefined,
      ...overrides,
    }),
    pools,
  );
}

function richRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return makeChatRequest({
    messages: [
      { role: 'system', content: 'You are terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'I need the weather.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: {
            type: 'object',
            properties: { location: { type: 'string' } },
            required: ['location'],
          },
        },
      },
    ],
    tool_choice: 'auto',
    temperature: 0.3,
    top_p: 0.9,
    seed: 42,
    max_tokens: 256,
    stop: ['END'],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'answer',
        schema: { type: 'object', properties: { text: { type: 'string' } } },
      },
    },
    reasoning_effort: 'medium',
    ...overrides,
  });
}

describe('ollama adapter: /api/chat', () => {
  it('sends the exact native body, with provider options deep-merged and no auth by default', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    await adapter().generate(
      toUpstreamRequest(richRequest()),
      makeCallOptions({ providerOptions: { options: { num_ctx: 8192 }, keep_alive: '10m' } }),
    );
    const [sent] = upstream.requests;
    expect(sent?.path).toBe('/api/chat');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.body).toMatchInlineSnapshot(`
      {
        "format": {
          "properties": {
            "text": {
              "type": "string",
            },
          },
          "type": "object",
        },
        "keep_alive": "10m",
        "messages": [
          {
            "content": "You are terse.",
            "role": "system",
          },
          {
            "content": "What is in this picture?",
            "images": [
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
            ],
            "role": "user",
          },
          {
            "content": "",
            "role": "assistant",
            "thinking": "I need the weather.",
            "tool_calls": [
              {
                "function": {
                  "arguments": {
                    "location": "Paris",
                  },
                  "name": "get_weather",
                },
                "id": "call_1",
              },
            ],
          },
          {
            "content": "18°C and sunny",
            "role": "tool",
            "tool_call_id": "call_1",
            "tool_name": "get_weather",
          },
        ],
        "model": "llama3.2",
        "options": {
          "num_ctx": 8192,
          "num_predict": 256,
          "seed": 42,
          "stop": [
            "END",
          ],
          "temperature": 0.3,
          "top_p": 0.9,
        },
        "stream": false,
        "think": true,
        "tools": [
          {
            "function": {
              "description": "Current weather for a city",
              "name": "get_weather",
              "parameters": {
                "properties": {
                  "location": {
                    "type": "string",
                  },
                },
                "required": [
                  "location",
                ],
                "type": "object",
              },
            },
            "type": "function",
          },
        ],
      }
    `);
  });

  it('sends an api_key as a Bearer token and honours a base ending in /api/chat', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    await adapter({
      apiKey: 'ollama-key-0123456789',
      apiBase: `${upstream.url}/proxy/api/chat`,
    }).generate(makeChatRequest(), makeCallOptions());
    expect(upstream.requests[0]?.path).toBe('/proxy/api/chat');
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer ollama-key-0123456789');
  });

  it('returns the canonical response with usage, raw done_reason and timings', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect({ ...response, id: 'chatcmpl-x' }).toMatchInlineSnapshot(`
      {
        "choices": [
          {
            "finish_reason": "stop",
            "index": 0,
            "message": {
              "content": "Hello! How can I help you today?",
              "provider_metadata": {
                "ollama": {
                  "done_reason": "stop",
                },
              },
              "role": "assistant",
            },
          },
        ],
        "created": 1748386497,
        "id": "chatcmpl-x",
        "model": "llama3.2",
        "object": "chat.completion",
        "provider_metadata": {
          "ollama": {
            "eval_duration": 4799921000,
            "load_duration": 2154458,
            "prompt_eval_duration": 383809000,
            "total_duration": 5191566416,
          },
        },
        "usage": {
          "completion_tokens": 10,
          "prompt_tokens": 26,
          "total_tokens": 36,
        },
      }
    `);
  });

  it('maps tool calls (ids kept, arguments as JSON text) and thinking', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-tool-call.json'))));
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-thinking.json'))));
    const tools = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(tools.choices[0]?.finish_reason).toBe('tool_calls');
    expect(tools.choices[0]?.message).toMatchInlineSnapshot(`
      {
        "content": null,
        "provider_metadata": {
          "ollama": {
            "done_reason": "stop",
          },
        },
        "role": "assistant",
        "tool_calls": [
          {
            "function": {
              "arguments": "{"location":"Paris, France"}",
              "name": "get_weather",
            },
            "id": "call_d9fj2k3l",
            "type": "function",
          },
          {
            "function": {
              "arguments": "{"location":"Tokyo, Japan"}",
              "name": "get_weather",
            },
            "id": "call_x8s7d6f5",
            "type": "function",
          },
        ],
      }
    `);
    const thinking = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(thinking.choices[0]?.message.reasoning_content).toBe(
      'The user wants 27 * 453. That is 12231.',
    );
    expect(thinking.usage).toEqual({
      prompt_tokens: 18,
      completion_tokens: 35,
      total_tokens: 53,
      completion_tokens_details: { reasoning_tokens: expect.any(Number) as number },
    });
    expect(thinking.provider_metadata?.ollama).toMatchObject({ reasoning_tokens_estimated: true });
  });
});

describe('ollama adapter: NDJSON stream', () => {
  it('streams text with lines cut across network chunks, then finish and usage chunks', async () => {
    upstream.enqueue(
      ndjsonReply(await loadChunks(fixture('ollama-text.chunks.txt')), { pieceChars: 13 }),
    );
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(upstream.requests[0]?.body).toMatchObject({ stream: true });
    expect(streamedText(chunks)).toBe('Hello! How can I help you today?');
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: 'Hello' });
    expect(chunks.at(-2)?.choices[0]).toEqual({
      index: 0,
      delta: {
        provider_metadata: {
          ollama: {
            done_reason: 'stop',
            total_duration: 5191566416,
            load_duration: 2154458,
            prompt_eval_duration: 383809000,
            eval_duration: 4799921000,
          },
        },
      },
      finish_reason: 'stop',
    });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 26, completion_tokens: 10, total_tokens: 36 },
    });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('numbers tool calls 0, 1... although Ollama reports each as index 0 or none, and gives ids', async () => {
    upstream.enqueue(ndjsonReply(await loadChunks(fixture('ollama-tool-call.chunks.txt'))));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.map((delta) => delta.index)).toEqual([0, 1]);
    const calls = streamedToolCalls(chunks);
    expect(calls.map((call) => [call.name, JSON.parse(call.arguments) as unknown])).toEqual([
      ['get_weather', { location: 'Paris, France' }],
      ['get_weather', { location: 'Tokyo, Japan' }],
    ]);
    expect(calls[0]?.id).toMatch(/^call_[0-9a-f]{32}$/);
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams thinking as reasoning_content', async () => {
    upstream.enqueue(ndjsonReply(await loadChunks(fixture('ollama-thinking.chunks.txt'))));
    const chunks = await collect(
      adapter().stream(makeChatRequest({ reasoning_effort: 'high' }), makeCallOptions()),
    );
    expect(upstream.requests[0]?.body).toMatchObject({ think: true });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('')).toBe(
      'The user wants 27 * 453. That is 12231.',
    );
    expect(streamedText(chunks)).toBe('27 × 453 = 12,231.');
    expect(chunks.at(-1)?.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  it('estimates a prompt count Ollama leaves out (prompt served from its cache), and says so', async () => {
    const lines = await loadChunks(fixture('ollama-text.chunks.txt'));
    const done = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    delete done.prompt_eval_count;
    upstream.enqueue(ndjsonReply([...lines.slice(0, -1), JSON.stringify(done)]));
    const options = makeCallOptions();
    const chunks = await collect(adapter().stream(makeChatRequest(), options));
    expect(chunks.at(-1)?.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(chunks.at(-1)?.provider_metadata).toEqual({ ollama: { usage_estimated: true } });
    expect(options.warnings.messages).toEqual(['ollama sent no token counts; they were estimated']);
  });
});

describe('ollama adapter: think, format, tool_choice', () => {
  it.each([
    ['qwen3', 'low', true],
    ['qwen3', 'none', false],
    ['gpt-oss:20b', 'minimal', 'low'],
    ['gpt-oss:20b', 'medium', 'medium'],
    ['gpt-oss:20b', 'xhigh', 'high'],
  ] as const)('%s with reasoning_effort %s → think %j', async (model, effort, think) => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    await adapter({ providerModel: model }).generate(
      makeChatRequest({ reasoning_effort: effort }),
      makeCallOptions(),
    );
    expect(upstream.requests[0]?.body).toMatchObject({ think });
  });

  it('maps json_object to format "json", and tool_choice none to no tools', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-structured.json'))));
    const response = await adapter().generate(
      makeChatRequest({
        response_format: { type: 'json_object' },
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: 'none',
      }),
      makeCallOptions(),
    );
    expect(upstream.requests[0]?.body).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Say hello.' }],
      stream: false,
      format: 'json',
    });
    expect(JSON.parse(response.choices[0]?.message.content ?? '')).toEqual({
      city: 'Paris',
      temperature_c: 18,
    });
  });
});

describe('ollama adapter: /api/embed', () => {
  it('embeds a list of texts with dimensions in one call', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-embed.json'))));
    const response = await adapter({ providerModel: 'all-minilm' }).embed(
      { model: 'embed', input: ['Why is the sky blue?', 'Why is the grass green?'], dimensions: 4 },
      makeCallOptions({ providerOptions: { keep_alive: '1m', truncate: false } }),
    );
    expect(upstream.requests[0]?.path).toBe('/api/embed');
    expect(upstream.requests[0]?.body).toEqual({
      model: 'all-minilm',
      input: ['Why is the sky blue?', 'Why is the grass green?'],
      dimensions: 4,
      keep_alive: '1m',
      truncate: false,
    });
    expect(response).toEqual({
      object: 'list',
      model: 'all-minilm',
      data: [
        {
          object: 'embedding',
          index: 0,
          embedding: [0.010071029, -0.0017594862, 0.05007221, 0.04692972],
        },
        {
          object: 'embedding',
          index: 1,
          embedding: [-0.0098027075, 0.06042469, 0.025257962, -0.006364387],
        },
      ],
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });
});
