import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_CONFIG,
  startTestGateway,
  TEST_MASTER_KEY,
  type TestGateway,
} from '../support/test-gateway.js';

/** Bad input to `/v1/messages` gets the OpenAI shim's status in Anthropic's error envelope. */

interface AnthropicEnvelope {
  type: string;
  error: { type: string; message: string; code: string; layer: string; param?: string };
  request_id?: string;
}

const HEADERS = { 'x-api-key': TEST_MASTER_KEY, 'content-type': 'application/json' };

describe('/v1/messages bad input', () => {
  let gateway: TestGateway;
  let client: Anthropic;
  let url: string;

  beforeAll(async () => {
    gateway = await startTestGateway(MOCK_CONFIG, { maxBodyBytes: 4096 });
    client = new Anthropic({ apiKey: TEST_MASTER_KEY, baseURL: gateway.url, maxRetries: 0 });
    url = `${gateway.url}/v1/messages`;
  });
  afterAll(async () => {
    await gateway.close();
  });

  async function post(
    body: string,
    headers: Record<string, string> = HEADERS,
  ): Promise<{ status: number; json: AnthropicEnvelope; response: Response }> {
    const response = await fetch(url, { method: 'POST', headers, body });
    return {
      status: response.status,
      json: (await response.json()) as AnthropicEnvelope,
      response,
    };
  }

  async function stillServes(): Promise<void> {
    const message = await client.messages.create({
      model: 'mock/echo',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'still here' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'still here' }]);
  }

  it('malformed JSON is a 400 invalid_request_error', async () => {
    const { status, json, response } = await post('{"model": "mock/echo", "messages": [');
    expect(status).toBe(400);
    expect(json).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_json', layer: 'client' },
    });
    expect(json.error.message).toMatch(/not valid JSON/);
    expect(json.request_id).toBe(response.headers.get('request-id'));
    await stillServes();
  });

  it('an empty body is a 400', async () => {
    const { status, json } = await post('');
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
  });

  it('a missing max_tokens is a BadRequestError naming it', async () => {
    const failure = await client.messages
      .create({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'x' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_request', param: 'max_tokens' },
    });
  });

  it('wrong types are a 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'mock/echo', max_tokens: 5, messages: 'hi' }, 'messages'],
      [
        { model: 'mock/echo', max_tokens: '5', messages: [{ role: 'user', content: 'x' }] },
        'max_tokens',
      ],
      [{ model: 'mock/echo', max_tokens: 5, messages: [] }, 'messages'],
      [
        {
          model: 'mock/echo',
          max_tokens: 5,
          messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64' } }] }],
        },
        'messages[0].content[0].source.media_type',
      ],
      [
        { model: 'mock/echo', max_tokens: 5, messages: [{ role: 'robot', content: 'x' }] },
        'messages[0].role',
      ],
      [
        {
          model: 'mock/echo',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
          tool_choice: { type: 'sometimes' },
        },
        'tool_choice.type',
      ],
    ];
    for (const [body, param] of cases) {
      const { status, json } = await post(JSON.stringify(body));
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ type: 'invalid_request_error', param });
    }
    await stillServes();
  });

  it('no key is a 401 authentication_error before the body is read', async () => {
    const { status, json } = await post('{}', { 'content-type': 'application/json' });
    expect(status).toBe(401);
    expect(json.error).toMatchObject({ type: 'authentication_error', code: 'missing_api_key' });
  });

  it('a body over the limit is a 413 request_too_large', async () => {
    const big = JSON.stringify({
      model: 'mock/echo',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x'.repeat(8000) }],
    });
    const { status, json } = await post(big);
    expect(status).toBe(413);
    expect(json.error).toMatchObject({ type: 'request_too_large', code: 'payload_too_large' });
    await stillServes();
  });

  it('count_tokens validates its body the same way', async () => {
    const response = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user' }] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as AnthropicEnvelope).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages[0].content',
    });
  });
});
