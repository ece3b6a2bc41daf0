import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/**
 * The official @anthropic-ai/sdk against `/v1/messages` in front of an OpenAI-compatible
 * upstream (the openai adapter and the fake upstream): the Chat Completions request the upstream
 * receives, tool-use round trips, streamed tool calls, errors and mid-stream failures.
 */

const UPSTREAM_KEY = 'sk-upstream-secret-key-abcdefghijklmnop';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function completion(message: Record<string, unknown>, finish = 'stop') {
  return {
    id: 'chatcmpl-abc123',
    object: 'chat.completion',
    created: 1_731_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', refusal: null, ...message },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    usage: {
      prompt_tokens: 40,
      completion_tokens: 12,
      total_tokens: 52,
      prompt_tokens_details: { cached_tokens: 32, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
  };
}

const chunkBase = {
  id: 'chatcmpl-s1',
  object: 'chat.completion.chunk',
  created: 1_731_000_000,
  model: 'gpt-4o-mini',
};

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return JSON.stringify({ ...chunkBase, choices: [{ index: 0, delta, finish_reason: finish }] });
}

function usageChunk(prompt: number, completionTokens: number): string {
  return JSON.stringify({
    ...chunkBase,
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completionTokens,
      total_tokens: prompt + completionTokens,
    },
  });
}

function textChunks(words: string[]): string[] {
  return [
    chunk({ role: 'assistant', content: '' }),
    ...words.map((word) => chunk({ content: word })),
    chunk({}, 'stop'),
    usageChunk(9, words.length),
  ];
}

/** Two parallel tool calls whose arguments arrive in fragments, as OpenAI streams them. */
function toolCallChunks(): string[] {
  const call = (tool: Record<string, unknown>) => chunk({ tool_calls: [tool] });
  return [
    chunk({ role: 'assistant', content: null }),
    call({
      index: 0,
      id: 'call_a',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    }),
    call({ index: 0, function: { arguments: '{"ci' } }),
    call({ index: 0, function: { arguments: 'ty": "Par' } }),
    call({ index: 0, function: { arguments: 'is"}' } }),
    call({
      index: 1,
      id: 'call_b',
      type: 'function',
      function: { name: 'get_time', arguments: '' },
    }),
    call({ index: 1, function: { arguments: '{"zone": "CET"}' } }),
    chunk({}, 'tool_calls'),
    usageChunk(40, 30),
  ];
}

/** `temperature` is still an API parameter, but newer SDK types leave it out. */
type WithTemperature = Anthropic.MessageCreateParamsNonStreaming & { temperature?: number };

const tools: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'get_time',
    input_schema: { type: 'object', properties: { zone: { type: 'string' } } },
  },
];

describe('@anthropic-ai/sdk → /v1/messages → openai adapter', () => {
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
          model_info: { id: 'openai-1' },
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

  it('sends a Chat Completions request and answers an Anthropic message', async () => {
    upstream.enqueue(reply.json(completion({ content: 'Bonjour !' })));
    const { data, response } = await client.messages
      .create({
        model: 'chat',
        max_tokens: 300,
        system: 'Answer in French.',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Say hello. Here is a pixel.' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            ],
          },
        ],
        stop_sequences: ['END'],
        temperature: 0.5,
        metadata: { user_id: 'user-7' },
      } as WithTemperature)
      .withResponse();
    expect(data).toMatchObject({
      id: 'msg_chatcmpl-abc123',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini-2024-07-18',
      content: [{ type: 'text', text: 'Bonjour !' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      // OpenAI's prompt_tokens include the 32 cached ones; Anthropic's input_tokens exclude them.
      usage: {
        input_tokens: 8,
        output_tokens: 12,
        cache_read_input_tokens: 32,
        cache_creation_input_tokens: 0,
      },
    });
    expect(response.headers.get('x-tollgate-provider')).toBe('openai');
    expect(response.headers.get('x-tollgate-deployment')).toBe('openai-1');
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen.headers)).not.toContain(TEST_MASTER_KEY);
    expect(seen.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Say hello. Here is a pixel.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
      max_completion_tokens: 300,
      temperature: 0.5,
      stop: ['END'],
      user: 'user-7',
    });
  });

  it('runs a tool-use round trip', async () => {
    upstream.enqueue(
      reply.json(
        completion(
          {
            content: null,
            tool_calls: [
              {
                id: 'call_w1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          'tool_calls',
        ),
      ),
      reply.json(completion({ content: 'It is sunny in Paris.' })),
    );
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client.messages.create({
      model: 'chat',
      max_tokens: 200,
      messages: [question],
      tools,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'tool_use', id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    const second = await client.messages.create({
      model: 'chat',
      max_tokens: 200,
      tools,
      messages: [
        question,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'call_w1', content: 'Sunny, 24°C' }],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is sunny in Paris.' }]);
    const firstSeen = await upstream.waitForRequest(0);
    expect(firstSeen.body).toMatchObject({ tool_choice: 'auto', parallel_tool_calls: false });
    const secondSeen = await upstream.waitForRequest(1);
    expect(secondSeen.body).toMatchInlineSnapshot(`
      {
        "max_completion_tokens": 200,
        "messages": [
          {
            "content": "Weather in Paris?",
            "role": "user",
          },
          {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Paris"}",
                  "name": "get_weather",
                },
                "id": "call_w1",
                "type": "function",
              },
            ],
          },
          {
            "content": "Sunny, 24°C",
            "role": "tool",
            "tool_call_id": "call_w1",
          },
        ],
        "model": "gpt-4o-mini",
        "tools": [
          {
            "function": {
              "description": "Current weather for a city",
              "name": "get_weather",
              "parameters": {
                "properties": {
                  "city": {
                    "type": "string",
                  },
                },
                "required": [
                  "city",
                ],
                "type": "object",
              },
            },
            "type": "function",
          },
          {
            "function": {
              "name": "get_time",
              "parameters": {
                "properties": {
                  "zone": {
                    "type": "string",
                  },
                },
                "type": "object",
              },
            },
            "type": "function",
          },
        ],
      }
    `);
  });

  it('streams parallel tool calls whose input_json_delta pieces assemble to valid JSON', async () => {
    upstream.enqueue(reply.sse(toolCallChunks()));
    const stream = client.messages.stream({
      model: 'chat',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Weather in Paris, and the time?' }],
      tools,
    });
    const pieces = new Map<number, string>();
    const types: string[] = [];
    stream.on('streamEvent', (event) => {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        pieces.set(event.index, (pieces.get(event.index) ?? '') + event.delta.partial_json);
      }
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'get_time', input: { zone: 'CET' } },
    ]);
    expect([...pieces.values()].map((json) => JSON.parse(json) as unknown)).toEqual([
      { city: 'Paris' },
      { zone: 'CET' },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 30 });
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const seen = await upstream.waitForRequest(0);
    expect(seen.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams text, with usage in message_delta', async () => {
    upstream.enqueue(reply.sse(textChunks(['The', ' sky', ' is', ' blue.'])));
    const stream = client.messages.stream({
      model: 'chat',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Colour of the sky?' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const message = await stream.finalMessage();
    expect(text).toBe('The sky is blue.');
    expect(message.content).toEqual([{ type: 'text', text: 'The sky is blue.' }]);
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 4 });
  });

  it('maps thinking to reasoning_effort and reasoning back to thinking blocks', async () => {
    // DeepSeek-style OpenAI-compatible servers return the reasoning as `reasoning_content`.
    upstream.enqueue(
      reply.json(completion({ content: '42', reasoning_content: 'Six times seven.' })),
    );
    const message = await client.messages.create({
      model: 'chat',
      max_tokens: 12_000,
      thinking: { type: 'enabled', budget_tokens: 8000 },
      messages: [{ role: 'user', content: 'Six times seven?' }],
    });
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Six times seven.', signature: '' },
      { type: 'text', text: '42' },
    ]);
    const seen = await upstream.waitForRequest(0);
    expect(seen.body).toMatchObject({ reasoning_effort: 'medium', max_completion_tokens: 12_000 });
    expect(seen.body).not.toHaveProperty('thinking');
  });

  it('maps structured output to response_format json_schema', async () => {
    upstream.enqueue(reply.json(completion({ content: '{"answer":42}' })));
    const schema = {
      type: 'object',
      properties: { answer: { type: 'number' } },
      required: ['answer'],
      additionalProperties: false,
    };
    const message = await client.messages.create({
      model: 'chat',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Answer as JSON.' }],
      output_config: { format: { type: 'json_schema', schema } },
    });
    expect(message.content).toEqual([{ type: 'text', text: '{"answer":42}' }]);
    const seen = await upstream.waitForRequest(0);
    expect(seen.body).toMatchObject({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'output', schema, strict: true },
      },
    });
  });
});
