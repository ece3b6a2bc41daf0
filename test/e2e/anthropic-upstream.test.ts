import type { APIError } from 'openai';
import { BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicSse } from '../contract/anthropic-sse.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const ANTHROPIC_KEY = 'sk-ant-api03-upstream-secret-0123456789abcdef';
const fixture = (name: string) =>
  new URL(`../../src/adapters/anthropic/__fixtures__/${name}`, import.meta.url);

/** The official openai SDK through the gateway to the Anthropic Messages API, from a LiteLLM config. */
describe('the gateway in front of Anthropic', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
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
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('chats through /v1/messages with x-api-key and anthropic-version', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-text.json'))));
    const answer = await gateway.openai.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be nice.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(answer.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 12,
      total_tokens: 24,
    });
    const seen = await upstream.waitForRequest(0);
    expect(seen.path).toBe('/v1/messages');
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.body).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 64_000,
      system: [{ type: 'text', text: 'Be nice.' }],
    });
  });

  it('streams parallel tool calls the SDK can assemble, with usage', async () => {
    upstream.enqueue(anthropicSse(await loadChunks(fixture('anthropic-tool-call.chunks.txt'))));
    const stream = await gateway.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
        },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const calls: Array<{ id: string; name: string; arguments: string }> = [];
    let text = '';
    let finish: string | null | undefined;
    let usage = 0;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? '';
      finish = choice?.finish_reason ?? finish;
      for (const call of choice?.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { id: '', name: '', arguments: '' });
        slot.id += call.id ?? '';
        slot.name += call.function?.name ?? '';
        slot.arguments += call.function?.arguments ?? '';
      }
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(text).toBe("I'll check the weather in both cities.");
    expect(calls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual([
      { location: 'Paris, France' },
      { location: 'Tokyo, Japan' },
    ]);
    expect(calls.map((call) => call.id)).toEqual([
      'toolu_01A09q90qw90lq917835lq9',
      'toolu_01B78h67gs78jf67df76vd3',
    ]);
    expect(finish).toBe('tool_calls');
    expect(usage).toBe(412 + 118);
  });

  it('returns thinking as reasoning_content when asked for reasoning', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('anthropic-thinking.json'))));
    const answer = await gateway.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: "How many r's in strawberry?" }],
      reasoning_effort: 'low',
    });
    const message = answer.choices[0]?.message as { reasoning_content?: string } | undefined;
    expect(message?.reasoning_content).toMatch(/^The user asks/);
    expect(answer.usage?.completion_tokens_details?.reasoning_tokens).toBe(38);
    const seen = await upstream.waitForRequest(0);
    expect(seen.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 } });
  });

  it('raises the SDK error classes: 429 RateLimitError, 529 overloaded as a 5xx', async () => {
    upstream.enqueue(
      reply.error(429, await loadJson(fixture('anthropic-error-rate-limit.json')), {
        retryAfter: '3',
      }),
    );
    const limited = await gateway.openai.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitError);

    upstream.enqueue(reply.error(529, await loadJson(fixture('anthropic-error-overloaded.json'))));
    const overloaded = await gateway.openai.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);
    expect(overloaded).toBeInstanceOf(InternalServerError);
    expect((overloaded as APIError).error).toMatchObject({
      layer: 'provider',
      provider: 'anthropic',
      upstream_status: 529,
    });
  });

  it('answers a 400 naming the parameter Anthropic cannot honour', async () => {
    const failure = await gateway.openai.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }], seed: 4 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BadRequestError);
    expect((failure as APIError).message).toContain('"seed" is not supported by anthropic');
    expect(upstream.requests).toHaveLength(0);
  });
});
