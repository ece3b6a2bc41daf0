import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  gatewayErrorOf,
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
} from '../../../test/support/adapter-harness.js';
import {
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const API_KEY = 'sk-ant-api03-secret-0123456789abcdef';

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
  return createAnthropicAdapter(
    makeDeployment({
      provider: 'anthropic',
      providerModel: 'claude-sonnet-4-5-20250929',
      apiBase: upstream.url,
      apiKey: API_KEY,
      ...overrides,
    }),
    pools,
  );
}

const TOOLS: ChatRequest['tools'] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Get the current weather for a location.',
      parameters: {
        type: 'object',
        properties: { location: { type: 'string' } },
        required: ['location'],
      },
    },
    cache_control: { type: 'ephemeral' },
  },
];

describe('anthropic adapter: the request upstream', () => {
  it('sends the native body, auth, version and beta headers', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-text.json'))));
    const request = makeChatRequest({
      messages: [
        { role: 'system', content: 'You are a weather bot.' },
        { role: 'user', content: 'Hi.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_01A',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01A', content: '18°C, sunny' },
      ],
      tools: TOOLS,
      tool_choice: 'auto',
      parallel_tool_calls: false,
      stop: ['###'],
      max_completion_tokens: 1024,
      temperature: 0.2,
      user: 'user-42',
    });
    await adapter({
      extraHeaders: { 'anthropic-beta': 'token-efficient-tools-2025-02-19' },
    }).generate(
      request,
      makeCallOptions({ providerOptions: { top_k: 5, betas: ['context-1m-2025-08-07'] } }),
    );
    const [sent] = upstream.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/v1/messages');
    expect({
      'x-api-key': sent?.headers['x-api-key'],
      'anthropic-version': sent?.headers['anthropic-version'],
      'anthropic-beta': sent?.headers['anthropic-beta'],
      'content-type': sent?.headers['content-type'],
      authorization: sent?.headers.authorization,
    }).toEqual({
      'x-api-key': API_KEY,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'token-efficient-tools-2025-02-19,context-1m-2025-08-07',
      'content-type': 'application/json',
      authorization: undefined,
    });
    expect(sent?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 1024,
        "messages": [
          {
            "content": [
              {
                "text": "Hi.",
                "type": "text",
              },
              {
                "text": "Weather in Paris?",
                "type": "text",
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "id": "toolu_01A",
                "input": {
                  "location": "Paris",
                },
                "name": "get_weather",
                "type": "tool_use",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "content": "18°C, sunny",
                "tool_use_id": "toolu_01A",
                "type": "tool_result",
              },
            ],
            "role": "user",
          },
        ],
        "metadata": {
          "user_id": "user-42",
        },
        "model": "claude-sonnet-4-5-20250929",
        "stop_sequences": [
          "###",
        ],
        "system": [
          {
            "text": "You are a weather bot.",
            "type": "text",
          },
        ],
        "temperature": 0.2,
        "tool_choice": {
          "disable_parallel_tool_use": true,
          "type": "auto",
        },
        "tools": [
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "description": "Get the current weather for a location.",
            "input_schema": {
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
            "name": "get_weather",
          },
        ],
        "top_k": 5,
      }
    `);
  });

  it('accepts an api_base that already ends in /v1 or /v1/messages', async () => {
    for (const apiBase of [`${upstream.url}/v1`, `${upstream.url}/v1/messages`]) {
      upstream.enqueue(reply.json(await loadJson(fixture('anthropic-text.json'))));
      await adapter({ apiBase }).generate(makeChatRequest(), makeCallOptions());
    }
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/v1/messages',
      '/v1/messages',
    ]);
  });
});

describe('anthropic adapter: responses', () => {
  it('maps a text answer with usage and the raw stop reason', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-text.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: expect.any(Number) as number,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello! How can I help you today?',
            refusal: null,
            provider_metadata: { anthropic: { stop_reason: 'end_turn' } },
          },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 12,
        total_tokens: 24,
        prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
      provider_metadata: {
        anthropic: { usage: expect.objectContaining({ input_tokens: 12 }) as unknown },
      },
    });
  });

  it('maps parallel tool calls after a text block', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-tool-call.json'))));
    const response = await adapter().generate(makeChatRequest({ tools: TOOLS }), makeCallOptions());
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
    expect(response.choices[0]?.message).toMatchObject({
      content: "I'll check the weather in both cities.",
      tool_calls: [
        {
          id: 'toolu_01A09q90qw90lq917835lq9',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' },
        },
        {
          id: 'toolu_01B78h67gs78jf67df76vd3',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Tokyo, Japan"}' },
        },
      ],
      provider_metadata: { anthropic: { stop_reason: 'tool_use' } },
    });
  });

  it('returns thinking as reasoning_content and keeps its signature', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-thinking.json'))));
    const response = await adapter().generate(
      makeChatRequest({ reasoning_effort: 'medium' }),
      makeCallOptions(),
    );
    const message = response.choices[0]?.message;
    expect(message?.reasoning_content).toMatch(/^The user asks how many r's/);
    expect(message?.provider_metadata).toEqual({
      anthropic: { stop_reason: 'end_turn', signature: expect.stringMatching(/^EqQB/) as string },
    });
    expect(response.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 38 });
  });

  it('estimates reasoning tokens when the API does not split them out', async () => {
    const body = (await loadJson(fixture('anthropic-thinking.json'))) as Record<string, unknown>;
    upstream.enqueue(reply.json({ ...body, usage: { input_tokens: 46, output_tokens: 96 } }));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    const reasoning = response.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(20);
    expect(reasoning).toBeLessThanOrEqual(96);
    expect(response.choices[0]?.message.provider_metadata).toMatchObject({
      anthropic: { reasoning_tokens_estimated: true },
    });
  });

  it('counts cache reads and writes into prompt_tokens, the OpenAI way', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-cached.json'))));
    const response = await adapter().generate(makeChatRequest(), makeCallOptions());
    expect(response.usage).toEqual({
      prompt_tokens: 21 + 2048 + 310,
      completion_tokens: 11,
      total_tokens: 21 + 2048 + 310 + 11,
      prompt_tokens_details: { cached_tokens: 2048, cache_creation_tokens: 310 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('returns an emulated structured answer as content, with a warning', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-json-tool.json'))));
    const options = makeCallOptions();
    const response = await adapter({ providerModel: 'claude-3-5-haiku-20241022' }).generate(
      makeChatRequest({ response_format: { type: 'json_object' } }),
      options,
    );
    expect(response.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: {
        content: '{"city":"Paris","temperature_c":18}',
        provider_metadata: { anthropic: { stop_reason: 'tool_use' } },
      },
    });
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
    expect(options.warnings.messages).toHaveLength(1);
  });

  it('maps refusal, max_tokens and stop_sequence stop reasons', async () => {
    const base = (await loadJson(fixture('anthropic-text.json'))) as Record<string, unknown>;
    const cases = [
      { stop_reason: 'refusal', stop_sequence: null, finish: 'content_filter' },
      { stop_reason: 'max_tokens', stop_sequence: null, finish: 'length' },
      { stop_reason: 'stop_sequence', stop_sequence: '###', finish: 'stop' },
      { stop_reason: 'pause_turn', stop_sequence: null, finish: 'stop' },
    ];
    for (const { finish, ...stop } of cases) {
      upstream.enqueue(reply.json({ ...base, ...stop }));
      const response = await adapter().generate(makeChatRequest(), makeCallOptions());
      expect(response.choices[0]?.finish_reason).toBe(finish);
      expect(response.choices[0]?.message.provider_metadata).toEqual({
        anthropic: {
          stop_reason: stop.stop_reason,
          ...(stop.stop_sequence === null ? {} : { stop_sequence: stop.stop_sequence }),
        },
      });
    }
  });

  it('keeps thinking across a tool round trip: the client sends the message back as given', async () => {
    const thinkingTurn = {
      id: 'msg_01ThinkTool',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'thinking', thinking: 'I need the weather tool.', signature: 'EqQBsignature' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
        { type: 'tool_use', id: 'toolu_01X', name: 'get_weather', input: { location: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 300, output_tokens: 80 },
    };
    upstream.enqueue(
      reply.json(thinkingTurn),
      reply.json(await loadJson(fixture('anthropic-text.json'))),
    );
    const question = { role: 'user' as const, content: 'Weather in Paris?' };
    const first = await adapter().generate(
      makeChatRequest({ messages: [question], tools: TOOLS, reasoning_effort: 'low' }),
      makeCallOptions(),
    );
    const message = first.choices[0]?.message;
    expect(message?.provider_metadata).toEqual({
      anthropic: {
        stop_reason: 'tool_use',
        signature: 'EqQBsignature',
        redacted_thinking: ['EmwKAhgBEgy3va3pzix'],
        reasoning_tokens_estimated: true,
      },
    });
    if (message === undefined) throw new Error('no message');
    await adapter().generate(
      makeChatRequest({
        messages: [
          question,
          { ...message, role: 'assistant' },
          { role: 'tool', tool_call_id: 'toolu_01X', content: '18°C' },
        ],
        tools: TOOLS,
        reasoning_effort: 'low',
      }),
      makeCallOptions(),
    );
    expect((upstream.requests[1]?.body as { messages: unknown[] }).messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I need the weather tool.', signature: 'EqQBsignature' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
        { type: 'tool_use', id: 'toolu_01X', name: 'get_weather', input: { location: 'Paris' } },
      ],
    });
  });

  it('fails with upstream_invalid_response on a body that is not a message', async () => {
    upstream.enqueue(reply.json({ id: 'msg_1', content: 'not blocks' }));
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(error).toMatchObject({ code: 'upstream_invalid_response', provider: 'anthropic' });
  });

  it('has no embeddings: a clear error naming the provider', async () => {
    const error = await gatewayErrorOf(
      adapter().embed({ model: 'chat', input: 'hello' }, makeCallOptions()),
    );
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, provider: 'anthropic' });
    expect(error.message).toContain('anthropic has no embeddings API');
    expect(upstream.requests).toHaveLength(0);
  });
});
