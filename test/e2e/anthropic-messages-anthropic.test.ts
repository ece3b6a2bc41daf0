import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicSse } from '../contract/anthropic-sse.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/**
 * `/v1/messages` in front of an anthropic deployment: the request the client wrote reaches
 * Anthropic as it was written (the provider_options passthrough: exact thinking budget, top_k,
 * cache_control, thinking signatures, beta flags), and Anthropic's answer comes back unchanged
 * through the canonical pipeline, blocks, signatures, stop reasons and cache usage included.
 */

const ANTHROPIC_KEY = 'sk-ant-api03-upstream-secret-0123456789abcdef';
const fixture = (name: string) =>
  new URL(`../../src/adapters/anthropic/__fixtures__/${name}`, import.meta.url);

type Fixture = { content: unknown[]; usage: Record<string, unknown> } & Record<string, unknown>;

/** What a Claude Code-like client sends: cache breakpoints, thinking, tools, a tool round trip. */
const richRequest = {
  model: 'claude',
  max_tokens: 4096,
  system: [
    { type: 'text', text: 'You are a careful assistant.' },
    { type: 'text', text: 'Long, cached instructions.', cache_control: { type: 'ephemeral' } },
  ],
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Call the tool.', signature: 'EqQBsig' },
        { type: 'redacted_thinking', data: 'EmwKredacted' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_01',
          content: [{ type: 'text', text: 'Sunny' }],
          cache_control: { type: 'ephemeral', ttl: '1h' },
        },
      ],
    },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      cache_control: { type: 'ephemeral' },
    },
  ],
  tool_choice: { type: 'auto' },
  thinking: { type: 'enabled', budget_tokens: 2500 },
  top_k: 40,
  metadata: { user_id: 'user-1' },
  stop_sequences: ['</answer>'],
} as const;

describe('@anthropic-ai/sdk → /v1/messages → anthropic adapter', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: Anthropic;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway({
      model_list: [
        {
          model_name: 'claude',
          litellm_params: {
            model: 'anthropic/claude-sonnet-4-5-20250929',
            api_base: upstream.url,
            api_key: ANTHROPIC_KEY,
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

  it('sends Anthropic exactly what the client wrote, beta flags included', async () => {
    const answer = (await loadJson(fixture('anthropic-thinking.json'))) as Fixture;
    upstream.enqueue(reply.json(answer));
    const message = await client.messages.create(
      richRequest as unknown as Anthropic.MessageCreateParamsNonStreaming,
      { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
    );
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/v1/messages');
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(seen.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(seen.body).toEqual({ ...richRequest, model: 'claude-sonnet-4-5-20250929' });
    // …and the answer comes back as Anthropic gave it.
    expect(message).toMatchObject({
      id: answer.id,
      model: answer.model,
      content: answer.content,
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 46, output_tokens: 96 },
    });
  });

  it('does not turn on thinking the client did not ask for', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-text.json'))));
    const body = {
      model: 'claude',
      max_tokens: 1000,
      output_config: { effort: 'low' as const },
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    await client.messages.create(body);
    const seen = await upstream.waitForRequest(0);
    expect(seen.body).toEqual({ ...body, model: 'claude-sonnet-4-5-20250929' });
  });

  it('gives back cache reads and writes as Anthropic counted them', async () => {
    const answer = (await loadJson(fixture('anthropic-cached.json'))) as Fixture;
    upstream.enqueue(reply.json(answer));
    const message = await client.messages.create({
      model: 'claude',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'How long is the contract?' }],
    });
    expect(message.usage).toMatchObject({
      input_tokens: 21,
      output_tokens: 11,
      cache_creation_input_tokens: 310,
      cache_read_input_tokens: 2048,
    });
  });

  it('keeps the matched stop sequence', async () => {
    const answer = (await loadJson(fixture('anthropic-text.json'))) as Fixture;
    upstream.enqueue(
      reply.json({ ...answer, stop_reason: 'stop_sequence', stop_sequence: '</answer>' }),
    );
    const message = await client.messages.create({
      model: 'claude',
      max_tokens: 100,
      stop_sequences: ['</answer>'],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '</answer>' });
  });

  it('streams thinking, its signature and text as Anthropic streamed them', async () => {
    const payloads = await loadChunks(fixture('anthropic-thinking.chunks.txt'));
    upstream.enqueue(anthropicSse(payloads));
    const stream = await client.messages.create({
      model: 'claude',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      messages: [{ role: 'user', content: 'How many r in strawberry?' }],
      stream: true,
    });
    const received: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) received.push(event);
    // Every content event is the upstream's own, in the same order.
    const upstreamEvents = payloads.map((payload) => JSON.parse(payload) as { type: string });
    const contentEvents = (events: ReadonlyArray<{ type: string }>) =>
      events.filter((event) => event.type.startsWith('content_block'));
    expect(contentEvents(received)).toEqual(contentEvents(upstreamEvents));
    expect(received.at(-2)).toMatchObject({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 46, output_tokens: 96 },
    });
    expect(received.at(-1)).toEqual({ type: 'message_stop' });
  });

  it('streams tool calls that the SDK helper assembles', async () => {
    upstream.enqueue(anthropicSse(await loadChunks(fixture('anthropic-tool-call.chunks.txt'))));
    const message = await client.messages
      .stream({
        model: 'claude',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
        tools: [
          {
            name: 'get_weather',
            input_schema: { type: 'object', properties: { location: { type: 'string' } } },
          },
        ],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: "I'll check the weather in both cities." },
      {
        type: 'tool_use',
        id: 'toolu_01A09q90qw90lq917835lq9',
        name: 'get_weather',
        input: { location: 'Paris, France' },
      },
      {
        type: 'tool_use',
        id: 'toolu_01B78h67gs78jf67df76vd3',
        name: 'get_weather',
        input: { location: 'Tokyo, Japan' },
      },
    ]);
  });

  it('an overloaded Anthropic is an overloaded_error', async () => {
    upstream.enqueue(reply.error(529, await loadJson(fixture('anthropic-error-overloaded.json'))));
    const failure = await client.messages
      .create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.InternalServerError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
  });
});
