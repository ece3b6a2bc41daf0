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
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import {
  framesReply,
  loadEventFrames,
  startEventStreamFront,
  type EventStreamFront,
} from './__fixtures__/event-stream-fixtures.js';
import { createBedrockAdapter } from './bedrock-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

const SIGNING_DATE = new Date('2025-03-01T12:00:00Z');
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let upstream: FakeUpstream;
let front: EventStreamFront;
let pools: UpstreamPools;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  front = await startEventStreamFront(upstream.url);
  pools = new UpstreamPools();
});
afterAll(async () => {
  await pools.close();
  await front.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function adapter(overrides: Parameters<typeof makeDeployment>[0] = {}) {
  return createBedrockAdapter(
    makeDeployment({
      provider: 'bedrock',
      providerModel: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      apiBase: front.url,
      apiKey: undefined,
      params: {
        aws_access_key_id: 'AKIDEXAMPLE',
        aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        aws_session_token: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789',
        aws_region_name: 'us-east-1',
      },
      ...overrides,
    }),
    pools,
    { now: () => SIGNING_DATE },
  );
}

/** A conversation touching every conversion: system, image, tool call and result, merging. */
function richRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return makeChatRequest({
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture, and the weather in Paris?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me look up the weather.',
        tool_calls: [
          {
            id: 'tooluse_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'tooluse_1', content: '18°C and sunny' },
      { role: 'user', content: 'Thanks. Anything else?' },
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
    max_tokens: 512,
    stop: ['END'],
    ...overrides,
  });
}

describe('bedrock adapter: Converse', () => {
  it('sends the exact Converse body to the encoded model path, signed', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-text.json'))));
    await adapter({ extraHeaders: { 'x-team': 'search' } }).generate(
      toUpstreamRequest(
        richRequest({
          provider_options: { bedrock: { performanceConfig: { latency: 'optimized' } } },
        }),
      ),
      makeCallOptions({
        providerOptions: {
          performanceConfig: { latency: 'optimized' },
          guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' },
          inferenceConfig: { maxTokens: 600 },
        },
      }),
    );
    const [sent] = upstream.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    expect(sent?.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-team': 'search',
      'x-amz-date': '20250301T120000Z',
      'x-amz-security-token': 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789',
    });
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250301\/us-east-1\/bedrock\/aws4_request, SignedHeaders=accept;content-length;content-type;host;x-amz-date;x-amz-security-token;x-team, Signature=[0-9a-f]{64}$/,
    );
    expect(sent?.body).toMatchInlineSnapshot(`
      {
        "guardrailConfig": {
          "guardrailIdentifier": "gr-1",
          "guardrailVersion": "1",
        },
        "inferenceConfig": {
          "maxTokens": 600,
          "stopSequences": [
            "END",
          ],
          "temperature": 0.3,
          "topP": 0.9,
        },
        "messages": [
          {
            "content": [
              {
                "text": "What is in this picture, and the weather in Paris?",
              },
              {
                "image": {
                  "format": "png",
                  "source": {
                    "bytes": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
                  },
                },
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "text": "Let me look up the weather.",
              },
              {
                "toolUse": {
                  "input": {
                    "location": "Paris",
                  },
                  "name": "get_weather",
                  "toolUseId": "tooluse_1",
                },
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "toolResult": {
                  "content": [
                    {
                      "text": "18°C and sunny",
                    },
                  ],
                  "toolUseId": "tooluse_1",
                },
              },
              {
                "text": "Thanks. Anything else?",
              },
            ],
            "role": "user",
          },
        ],
        "performanceConfig": {
          "latency": "optimized",
        },
        "system": [
          {
            "text": "You are terse.",
          },
          {
            "text": "Answer in English.",
          },
        ],
        "toolConfig": {
          "toolChoice": {
            "auto": {},
          },
          "tools": [
            {
              "toolSpec": {
                "description": "Current weather for a city",
                "inputSchema": {
                  "json": {
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
                "name": "get_weather",
              },
            },
          ],
        },
      }
    `);
  });

  it('returns the canonical response with the raw stop reason and metrics', async () => {
    upstream.enqueue(
      reply.json(await loadJson(fixture('bedrock-text.json')), {
        headers: { 'x-amzn-requestid': 'req-1' },
      }),
    );
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response.id).toMatch(/^chatcmpl-/);
    expect({ ...response, id: 'chatcmpl-x', created: 0 }).toMatchInlineSnapshot(`
      {
        "choices": [
          {
            "finish_reason": "stop",
            "index": 0,
            "message": {
              "content": "Hello! How can I help you today?",
              "provider_metadata": {
                "bedrock": {
                  "stop_reason": "end_turn",
                },
              },
              "role": "assistant",
            },
          },
        ],
        "created": 0,
        "id": "chatcmpl-x",
        "model": "anthropic.claude-3-5-haiku-20241022-v1:0",
        "object": "chat.completion",
        "provider_metadata": {
          "bedrock": {
            "metrics": {
              "latencyMs": 412,
            },
            "request_id": "req-1",
          },
        },
        "usage": {
          "completion_tokens": 10,
          "prompt_tokens": 12,
          "total_tokens": 22,
        },
      }
    `);
  });

  it('maps parallel tool calls and reasoning with its signature and cache usage', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-tool-call.json'))));
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-reasoning.json'))));
    const tools = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(tools.choices[0]).toMatchInlineSnapshot(`
      {
        "finish_reason": "tool_calls",
        "index": 0,
        "message": {
          "content": "I'll check the weather in both cities.",
          "provider_metadata": {
            "bedrock": {
              "stop_reason": "tool_use",
            },
          },
          "role": "assistant",
          "tool_calls": [
            {
              "function": {
                "arguments": "{"location":"Paris, France"}",
                "name": "get_weather",
              },
              "id": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
              "type": "function",
            },
            {
              "function": {
                "arguments": "{"location":"Tokyo, Japan"}",
                "name": "get_weather",
              },
              "id": "tooluse_P0F8eGj3Q2aBwJ8nWmXk1A",
              "type": "function",
            },
          ],
        },
      }
    `);
    const reasoning = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(reasoning.choices[0]?.message).toMatchInlineSnapshot(`
      {
        "content": "27 × 453 = 12,231.",
        "provider_metadata": {
          "bedrock": {
            "signature": "EqoBCkgIARABGAIiQL2U5nR2qZ3sYh0c4m1Xb8fQw7l9P4d0yKZpD2nTqYw1bV6jS8kL3mN5oP7rT9uX1zA3cE5gH7iJ9kL1mN3oP5qRw==",
            "stop_reason": "end_turn",
          },
        },
        "reasoning_content": "The user asks for 27 * 453. 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.",
        "role": "assistant",
      }
    `);
    expect(reasoning.usage).toMatchInlineSnapshot(`
      {
        "completion_tokens": 96,
        "completion_tokens_details": {
          "reasoning_tokens": 40,
        },
        "prompt_tokens": 2066,
        "prompt_tokens_details": {
          "cache_creation_tokens": 0,
          "cached_tokens": 2048,
        },
        "total_tokens": 2162,
      }
    `);
  });
});

describe('bedrock adapter: ConverseStream', () => {
  it('streams text from binary frames split across network chunks', async () => {
    const frames = await loadEventFrames(fixture('bedrock-text.events.txt'));
    upstream.enqueue(framesReply(frames, { pieceBytes: 7 }));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    const [sent] = upstream.requests;
    expect(sent?.url).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream');
    expect(sent?.headers.accept).toBe('application/vnd.amazon.eventstream');
    expect(streamedText(chunks)).toBe('Hello! How can I help you today?');
    expect(chunks.at(-2)?.choices[0]).toEqual({
      index: 0,
      delta: { provider_metadata: { bedrock: { stop_reason: 'end_turn' } } },
      finish_reason: 'stop',
    });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
      provider_metadata: { bedrock: { metrics: { latencyMs: 389 } } },
    });
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: 'Hello' });
  });

  it('gives each toolUse block its own OpenAI index, id and name', async () => {
    upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-tool-call.events.txt'))));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(streamedToolCalls(chunks)).toEqual([
      {
        id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
        name: 'get_weather',
        arguments: '{"location": "Paris, France"}',
      },
      {
        id: 'tooluse_P0F8eGj3Q2aBwJ8nWmXk1A',
        name: 'get_weather',
        arguments: '{"location": "Tokyo, Japan"}',
      },
    ]);
    expect(streamedText(chunks)).toBe("I'll check the weather in both cities.");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams reasoning, its signature and cached usage', async () => {
    upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-reasoning.events.txt'))));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    const reasoning = chunks
      .map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '')
      .join('');
    expect(reasoning).toBe('The user asks for 27 * 453. 27 * 453 = 10800 + 1431 = 12231.');
    expect(
      chunks.map((chunk) => chunk.choices[0]?.delta.provider_metadata).filter(Boolean),
    ).toEqual([
      {
        bedrock: {
          signature:
            'EqoBCkgIARABGAIiQL2U5nR2qZ3sYh0c4m1Xb8fQw7l9P4d0yKZpD2nTqYw1bV6jS8kL3mN5oP7rT9uX1zA3cE5gH7iJ9kL1mN3oP5qRw==',
        },
      },
      { bedrock: { stop_reason: 'end_turn' } },
    ]);
    expect(chunks.at(-1)?.usage).toMatchInlineSnapshot(`
      {
        "completion_tokens": 96,
        "completion_tokens_details": {
          "reasoning_tokens": 28,
        },
        "prompt_tokens": 2066,
        "prompt_tokens_details": {
          "cache_creation_tokens": 0,
          "cached_tokens": 2048,
        },
        "total_tokens": 2162,
      }
    `);
  });
});
