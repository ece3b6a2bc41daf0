import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_CONFIG,
  startTestGateway,
  TEST_MASTER_KEY,
  type TestGateway,
} from '../support/test-gateway.js';

/**
 * The official @anthropic-ai/sdk against `/v1/messages` in front of the built-in mock provider:
 * the Anthropic shape, the event stream, count_tokens, and Anthropic-only features refused (or
 * dropped with a warning) for a provider that cannot honour them.
 */

function anthropicClient(gateway: TestGateway, apiKey = TEST_MASTER_KEY): Anthropic {
  return new Anthropic({ apiKey, baseURL: gateway.url, maxRetries: 0, timeout: 10_000 });
}

/** `top_k` is still an API parameter, but newer SDK types leave it out. */
type WithTopK = Anthropic.MessageCreateParamsNonStreaming & { top_k?: number };

const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello there, gateway' }];

describe('@anthropic-ai/sdk → /v1/messages → mock provider', () => {
  let gateway: TestGateway;
  let client: Anthropic;

  beforeAll(async () => {
    gateway = await startTestGateway(MOCK_CONFIG);
    client = anthropicClient(gateway);
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('answers a message in the Anthropic shape with the gateway headers', async () => {
    const { data, response } = await client.messages
      .create({ model: 'mock/echo', max_tokens: 64, messages })
      .withResponse();
    expect(data).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'echo',
      content: [{ type: 'text', text: 'Hello there, gateway' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(data.id).toMatch(/^msg_/);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(data.usage).toMatchObject({
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    expect(response.headers.get('x-tollgate-provider')).toBe('mock');
    expect(response.headers.get('x-tollgate-model-group')).toBe('mock/echo');
    const requestId = response.headers.get('x-tollgate-request-id');
    expect(requestId).toBeTruthy();
    expect(response.headers.get('request-id')).toBe(requestId);
  });

  it('takes the system prompt, content blocks and the gateway field mock_response', async () => {
    const echoed = await client.messages.create({
      model: 'mock/echo',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
        { role: 'user', content: [{ type: 'text', text: 'second turn' }] },
      ],
    });
    expect(echoed.content).toEqual([{ type: 'text', text: 'second turn' }]);
    const fixed = await client.messages.create({
      model: 'mock/echo',
      max_tokens: 64,
      messages,
      mock_response: 'A fixed answer',
    } as Anthropic.MessageCreateParamsNonStreaming);
    expect(fixed.content).toEqual([{ type: 'text', text: 'A fixed answer' }]);
  });

  it('streams the exact Anthropic event sequence', async () => {
    const stream = await client.messages.create({
      model: 'mock/echo',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'one two three four five six' }],
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let finalUsage: Anthropic.MessageDeltaUsage | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        text += event.delta.text;
      }
      if (event.type === 'message_delta') {
        expect(event.delta.stop_reason).toBe('end_turn');
        finalUsage = event.usage;
      }
    }
    expect(text).toBe('one two three four five six');
    const deltas = types.filter((type) => type === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(finalUsage?.output_tokens).toBeGreaterThan(0);
    expect(finalUsage?.input_tokens).toBeGreaterThan(0);
  });

  it('the SDK stream helper assembles the final message', async () => {
    const stream = client.messages.stream({
      model: 'mock/echo',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'streamed through the helper' }],
    });
    const pieces: string[] = [];
    stream.on('text', (delta) => pieces.push(delta));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'streamed through the helper' }]);
    expect(pieces.join('')).toBe('streamed through the helper');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('counts tokens with a documented estimate', async () => {
    const { data, response } = await client.messages
      .countTokens({
        model: 'mock/echo',
        system: 'You are a weather bot.',
        messages: [{ role: 'user', content: 'What is the weather in Paris today?' }],
        tools: [
          {
            name: 'get_weather',
            description: 'Weather for a city',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      })
      .withResponse();
    expect(data.input_tokens).toBeGreaterThan(20);
    expect(data.input_tokens).toBeLessThan(200);
    expect((data as unknown as { estimated: boolean }).estimated).toBe(true);
    expect(response.headers.get('x-tollgate-token-count')).toBe('estimated');
    const bare = await client.messages.countTokens({ model: 'mock/echo', messages });
    expect(bare.input_tokens).toBeLessThan(data.input_tokens);
  });

  it('count_tokens refuses an unknown model and a bad key like /v1/messages', async () => {
    await expect(client.messages.countTokens({ model: 'nope', messages })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    await expect(
      anthropicClient(gateway, 'sk-wrong').messages.countTokens({ model: 'mock/echo', messages }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('a wrong key is an AuthenticationError in the Anthropic envelope', async () => {
    const failure = await anthropicClient(gateway, 'sk-wrong')
      .messages.create({ model: 'mock/echo', max_tokens: 16, messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.AuthenticationError);
    const error = failure as APIError;
    expect(error.status).toBe(401);
    expect(error.type).toBe('authentication_error');
    expect(error.error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', code: 'invalid_api_key', layer: 'policy' },
    });
    expect(error.requestID).toBeTruthy();
  });

  it('an unknown model is a NotFoundError, streaming or not', async () => {
    const failure = await client.messages
      .create({ model: 'no-such-model', max_tokens: 16, messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.NotFoundError);
    expect((failure as APIError).type).toBe('not_found_error');
    const streamed = await client.messages
      .create({ model: 'no-such-model', max_tokens: 16, messages, stream: true })
      .catch((error: unknown) => error);
    expect(streamed).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('Anthropic-only parameters are a 400 naming them and the provider', async () => {
    const failure = await client.messages
      .create({ model: 'mock/echo', max_tokens: 16, messages, top_k: 5 } as WithTopK)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as APIError).error).toMatchObject({
      error: { type: 'invalid_request_error', code: 'unsupported_parameter', param: 'top_k' },
    });
    expect((failure as APIError).message).toMatch(/top_k.*mock/);
    const serverTool = await client.messages
      .create({
        model: 'mock/echo',
        max_tokens: 16,
        messages,
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      })
      .catch((error: unknown) => error);
    expect(serverTool).toBeInstanceOf(Anthropic.BadRequestError);
    expect((serverTool as APIError).error).toMatchObject({
      error: { param: 'tools[0]' },
    });
  });

  it('cache_control breakpoints are ignored with a warning, never refused', async () => {
    const { data, response } = await client.messages
      .create({
        model: 'mock/echo',
        max_tokens: 16,
        system: [{ type: 'text', text: 'Long context', cache_control: { type: 'ephemeral' } }],
        messages,
      })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello there, gateway' }]);
    expect(response.headers.get('x-tollgate-warnings')).toMatch(/ignored cache_control/);
  });
});

describe('/v1/messages with drop_params', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ ...MOCK_CONFIG, litellm_settings: { drop_params: true } });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('drops what the provider cannot honour and lists it in x-tollgate-warnings', async () => {
    const { data, response } = await anthropicClient(gateway)
      .messages.create({
        model: 'mock/echo',
        max_tokens: 16,
        messages,
        top_k: 5,
        service_tier: 'auto',
      } as WithTopK)
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello there, gateway' }]);
    const warnings = response.headers.get('x-tollgate-warnings') ?? '';
    expect(warnings).toMatch(/dropped top_k: not supported by mock/);
    expect(warnings).toMatch(/dropped service_tier/);
  });
});
