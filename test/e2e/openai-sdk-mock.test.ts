import type { APIError } from 'openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_CONFIG,
  startTestGateway,
  TEST_MASTER_KEY,
  type TestGateway,
} from '../support/test-gateway.js';

/** The official openai SDK, unchanged, against the gateway serving the built-in mock provider. */
describe('openai SDK against the mock provider', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(MOCK_CONFIG);
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('answers a chat completion with the echo and the gateway headers', async () => {
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: 'mock/echo', messages: [{ role: 'user', content: 'Hello, gateway!' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Hello, gateway!',
    });
    expect(data.choices[0]?.finish_reason).toBe('stop');
    // Hello , gateway ! → 4 tokens for the mock's word-and-punctuation tokenizer.
    expect(data.usage?.completion_tokens).toBe(4);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + 4);
    expect(response.headers.get('x-tollgate-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-tollgate-model-group')).toBe('mock/echo');
    expect(response.headers.get('x-tollgate-provider')).toBe('mock');
    expect(response.headers.get('x-tollgate-deployment')).toBe('mock/echo#0');
    expect(Number(response.headers.get('x-tollgate-overhead-ms'))).toBeGreaterThanOrEqual(0);
    // No cache in this config: the header still says the answer is not from one.
    expect(response.headers.get('x-tollgate-cache')).toBe('miss');
  });

  it('serves any mock/<name> through the wildcard and honours mock_response', async () => {
    const data = await gateway.openai.chat.completions.create({
      model: 'mock/anything-at-all',
      messages: [{ role: 'user', content: 'ignored' }],
      // @ts-expect-error gateway field, not in the SDK's types
      mock_response: 'fixed answer',
    });
    expect(data.model).toBe('anything-at-all');
    expect(data.choices[0]?.message.content).toBe('fixed answer');
  });

  it('streams deltas that assemble the answer, with a usage chunk when asked', async () => {
    const stream = await gateway.openai.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'one two three four five six seven eight' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three four five six seven eight');
    expect(chunks).toBeGreaterThanOrEqual(5);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(8);
  });

  it('sends no usage chunk when the client did not ask for one', async () => {
    const stream = await gateway.openai.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'hi there' }],
      stream: true,
    });
    const usages: unknown[] = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
    expect(usages).toEqual([]);
  });

  it('embeds with the SDK default (base64) and with floats, the same vectors', async () => {
    const viaBase64 = await gateway.openai.embeddings.create({
      model: 'mock/embed',
      input: ['a cat sat', 'dogs run'],
    });
    const viaFloat = await gateway.openai.embeddings.create({
      model: 'mock/embed',
      input: ['a cat sat', 'dogs run'],
      encoding_format: 'float',
    });
    expect(viaBase64.data).toHaveLength(2);
    expect(viaBase64.data[0]?.embedding).toHaveLength(256);
    const norm = Math.hypot(...(viaFloat.data[0]?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 5);
    viaFloat.data[0]?.embedding.forEach((value, index) =>
      expect(viaBase64.data[0]?.embedding[index]).toBeCloseTo(value, 6),
    );
    expect(viaBase64.usage.prompt_tokens).toBe(5);
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of gateway.openai.models.list()) ids.push(model.id);
    expect(ids).toEqual(['mock/echo', 'slow', 'mock/*']);
    const model = await gateway.openai.models.retrieve('mock/echo');
    expect(model).toMatchObject({ id: 'mock/echo', object: 'model', owned_by: 'mock' });
    await expect(gateway.openai.models.retrieve('nope')).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it('raises the SDK error classes for gateway errors', async () => {
    const anonymous = new OpenAI({
      apiKey: 'sk-wrong-key-xxxxxxxx',
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
    });
    const messages = [{ role: 'user' as const, content: 'x' }];
    const unauthorized = await anonymous.chat.completions
      .create({ model: 'mock/echo', messages })
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unauthorized as APIError).error).toMatchObject({
      code: 'invalid_api_key',
      layer: 'policy',
    });

    const unknown = await gateway.openai.chat.completions
      .create({ model: 'nope', messages })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as APIError).error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
      layer: 'client',
    });

    const bad = await gateway.openai.chat.completions
      .create({ model: 'mock/echo', messages, temperature: 7 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as APIError).error).toMatchObject({
      code: 'invalid_request',
      param: 'temperature',
    });
  });

  it('accepts the key as x-api-key too', async () => {
    const response = await fetch(`${gateway.url}/v1/models`, {
      headers: { 'x-api-key': TEST_MASTER_KEY },
    });
    expect(response.status).toBe(200);
  });
});
