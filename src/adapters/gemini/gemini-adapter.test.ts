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

function adapter(overrides: Parameters<typeof makeDeployment>[0] = {}) {
  return createGeminiAdapter(
    makeDeployment({
      provider: 'gemini',
      providerModel: 'gemini-2.5-flash',
      apiBase: upstream.url,
      apiKey: KEY,
      ...overrides,
    }),
    pools,
  );
}

/** Gemini streams have no [DONE]: the body just ends. */
async function sse(name: string) {
  return reply.sse(await loadChunks(fixture(name)), { done: false });
}

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { location: { type: 'string', description: 'City and country' } },
      required: ['location'],
      additionalProperties: false,
    },
    strict: true,
  },
};

describe('gemini adapter: chat', () => {
  it('sends contents, systemInstruction and generationConfig with the API key header', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    const request: ChatRequest = makeChatRequest({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Say hello.' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 256,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      metadata: { team: 'search' },
      provider_options: { gemini: { ignored: 'picked by the pipeline, not here' } },
    });
    await adapter({ extraHeaders: { 'x-team': 'search' } }).generate(
      toUpstreamRequest(request),
      makeCallOptions({
        providerOptions: {
          safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
          generationConfig: { topK: 40 },
        },
      }),
    );
    const [sent] = upstream.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['x-team']).toBe('search');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Hi",
              },
            ],
            "role": "user",
          },
          {
            "parts": [
              {
                "text": "Hello.",
              },
            ],
            "role": "model",
          },
          {
            "parts": [
              {
                "text": "Say hello.",
              },
            ],
            "role": "user",
          },
        ],
        "generationConfig": {
          "frequencyPenalty": 0.25,
          "maxOutputTokens": 256,
          "presencePenalty": 0.5,
          "seed": 7,
          "stopSequences": [
            "END",
          ],
          "temperature": 0.2,
          "topK": 40,
          "topP": 0.9,
        },
        "safetySettings": [
          {
            "category": "HARM_CATEGORY_HARASSMENT",
            "threshold": "BLOCK_NONE",
          },
        ],
        "systemInstruction": {
          "parts": [
            {
              "text": "You are terse.",
            },
          ],
        },
      }
    `);
  });

  it('returns the canonical response with thoughts counted in completion tokens', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response).toMatchInlineSnapshot(`
      {
        "choices": [
          {
            "finish_reason": "stop",
            "index": 0,
            "message": {
              "content": "Hello! How can I help you today?",
              "provider_metadata": {
                "gemini": {
                  "finish_reason": "STOP",
                },
              },
              "role": "assistant",
            },
          },
        ],
        "created": ${response.created},
        "id": "kR5EaPX2LNT_nvgPqN2xyQQ",
        "model": "gemini-2.5-flash",
        "object": "chat.completion",
        "provider_metadata": {
          "gemini": {
            "usage_metadata": {
              "candidatesTokenCount": 9,
              "promptTokenCount": 4,
              "promptTokensDetails": [
                {
                  "modality": "TEXT",
                  "tokenCount": 4,
                },
              ],
              "thoughtsTokenCount": 25,
              "totalTokenCount": 38,
            },
          },
        },
        "usage": {
          "completion_tokens": 34,
          "completion_tokens_details": {
            "reasoning_tokens": 25,
          },
          "prompt_tokens": 4,
          "prompt_tokens_details": {
            "cached_tokens": 0,
          },
          "total_tokens": 38,
        },
      }
    `);
  });

  it('streams text from whole-response SSE events, usage last', async () => {
    upstream.enqueue(await sse('gemini-text.chunks.txt'));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    const [sent] = upstream.requests;
    expect(sent?.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(sent?.headers.accept).toBe('text/event-stream');
    expect(streamedText(chunks)).toBe('Hello! How can I help you today?');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((chunk) => chunk.id)).toEqual(chunks.map(() => 'lB5EaM2wGvGbnvgP7ODN6Ak'));
    expect(chunks.at(-2)?.choices[0]).toEqual({
      index: 0,
      delta: { content: ' you today?', provider_metadata: { gemini: { finish_reason: 'STOP' } } },
      finish_reason: 'stop',
    });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 4,
        completion_tokens: 34,
        total_tokens: 38,
        completion_tokens_details: { reasoning_tokens: 25 },
      },
    });
    expect(chunks.filter((chunk) => chunk.usage != null)).toHaveLength(1);
  });
});

describe('gemini adapter: tools', () => {
  it('converts tools to function declarations and tool_choice to functionCallingConfig', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-tool-call.json'))));
    const options = makeCallOptions();
    await adapter().generate(
      makeChatRequest({
        tools: [
          WEATHER_TOOL,
          {
            type: 'function',
            function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      }),
      options,
    );
    const body = upstream.requests[0]?.body as Record<string, unknown>;
    expect({ tools: body.tools, toolConfig: body.toolConfig }).toMatchInlineSnapshot(`
      {
        "toolConfig": {
          "functionCallingConfig": {
            "allowedFunctionNames": [
              "get_weather",
            ],
            "mode": "ANY",
          },
        },
        "tools": [
          {
            "functionDeclarations": [
              {
                "description": "Current weather for a city",
                "name": "get_weather",
                "parameters": {
                  "properties": {
                    "location": {
                      "description": "City and country",
                      "type": "string",
                    },
                  },
                  "required": [
                    "location",
                  ],
                  "type": "object",
                },
              },
              {
                "name": "get_time",
              },
            ],
          },
        ],
      }
    `);
    expect(options.warnings.messages).toEqual([]);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
  ] as const)('maps tool_choice %s', async (choice, config) => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-tool-call.json'))));
    await adapter().generate(
      makeChatRequest({ tools: [WEATHER_TOOL], tool_choice: choice }),
      makeCallOptions(),
    );
    expect((upstream.requests[0]?.body as Record<string, unknown>).toolConfig).toEqual({
      functionCallingConfig: config,
    });
  });

  it('returns parallel function calls with generated ids and their thought signature', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-tool-call.json'))));
    const response = await adapter().generate(
      makeChatRequest({ tools: [WEATHER_TOOL] }),
      makeCallOptions(),
    );
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_Jx9EaNL8M_2rnvgPmJ7AsQ4_0',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' },
        },
        {
          id: 'call_Jx9EaNL8M_2rnvgPmJ7AsQ4_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Tokyo, Japan"}' },
        },
      ],
      provider_metadata: {
        gemini: {
          finish_reason: 'STOP',
          tool_call_signatures: {
            call_Jx9EaNL8M_2rnvgPmJ7AsQ4_0:
              'CiQB0e2Kb7Tw1fZ6ZsQ8yPz0Y1kCk7n2Jm0qv1yQqg8c9oXxW0kKYgHR7YptLqC8mNq3s2Fh6yVv6T1dP0o2m9Q7q1rW1x9s=',
          },
        },
      },
    });
  });

  it('sends the calls back with their signature and the results as functionResponse parts', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-tool-call.json'))));
    const first = await adapter().generate(
      makeChatRequest({ tools: [WEATHER_TOOL] }),
      makeCallOptions(),
    );
    const message = first.choices[0]!.message;
    const [paris, tokyo] = message.tool_calls!;
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    await adapter().generate(
      makeChatRequest({
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Paris and Tokyo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: message.tool_calls,
            provider_metadata: message.provider_metadata,
          },
          { role: 'tool', tool_call_id: paris!.id, content: '{"temperature":18,"unit":"C"}' },
          { role: 'tool', tool_call_id: tokyo!.id, content: 'Sunny, 24 C' },
        ],
      }),
      makeCallOptions(),
    );
    expect((upstream.requests[1]?.body as { contents: unknown }).contents).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "Weather in Paris and Tokyo?",
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "functionCall": {
                "args": {
                  "location": "Paris, France",
                },
                "name": "get_weather",
              },
              "thoughtSignature": "CiQB0e2Kb7Tw1fZ6ZsQ8yPz0Y1kCk7n2Jm0qv1yQqg8c9oXxW0kKYgHR7YptLqC8mNq3s2Fh6yVv6T1dP0o2m9Q7q1rW1x9s=",
            },
            {
              "functionCall": {
                "args": {
                  "location": "Tokyo, Japan",
                },
                "name": "get_weather",
              },
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "functionResponse": {
                "name": "get_weather",
                "response": {
                  "temperature": 18,
                  "unit": "C",
                },
              },
            },
            {
              "functionResponse": {
                "name": "get_weather",
                "response": {
                  "output": "Sunny, 24 C",
                },
              },
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it('streams parallel calls arriving in separate events with consecutive indexes', async () => {
    upstream.enqueue(await sse('gemini-tool-call.chunks.txt'));
    const chunks = await collect(
      adapter().stream(makeChatRequest({ tools: [WEATHER_TOOL] }), makeCallOptions()),
    );
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.map((delta) => [delta.index, delta.id])).toEqual([
      [0, 'call_Kx9EaIeZD8-znvgP2KXB-Qs_0'],
      [1, 'call_Kx9EaIeZD8-znvgP2KXB-Qs_1'],
    ]);
    expect(
      streamedToolCalls(chunks).map((call) => [call.name, JSON.parse(call.arguments) as unknown]),
    ).toEqual([
      ['get_weather', { location: 'Paris, France' }],
      ['get_weather', { location: 'Tokyo, Japan' }],
    ]);
    expect(chunks[0]?.choices[0]?.delta.provider_metadata).toEqual({
      gemini: {
        tool_call_signatures: {
          'call_Kx9EaIeZD8-znvgP2KXB-Qs_0':
            'CiQB0e2Kb7Tw1fZ6ZsQ8yPz0Y1kCk7n2Jm0qv1yQqg8c9oXxW0kKYgHR7YptLqC8mNq3s2Fh6yVv6T1dP0o2m9Q7q1rW1x9s=',
        },
      },
    });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
