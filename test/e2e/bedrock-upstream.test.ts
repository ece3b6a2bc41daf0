import aws4 from 'aws4';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  framesReply,
  loadEventFrames,
  startEventStreamFront,
  type EventStreamFront,
} from '../../src/adapters/bedrock/__fixtures__/event-stream-fixtures.js';
import { KNOWN_PROVIDERS } from '../../src/adapters/registry.js';
import { parseConfig } from '../../src/config/load-config.js';
import { loadJson, reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/** The official openai SDK through the gateway, in front of a (fake) Bedrock Runtime. */

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/bedrock/__fixtures__/${name}`, import.meta.url);

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SESSION = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789';
const AWS = {
  aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  aws_secret_access_key: SECRET,
  aws_session_token: SESSION,
  aws_region_name: 'us-west-2',
};
const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('the gateway in front of Bedrock', () => {
  let upstream: FakeUpstream;
  let front: EventStreamFront;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    front = await startEventStreamFront(upstream.url);
    gateway = await startTestGateway({
      model_list: [
        {
          model_name: 'claude',
          litellm_params: {
            model: 'bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0',
            api_base: front.url,
            ...AWS,
          },
          model_info: { id: 'bedrock-1' },
        },
        {
          model_name: 'embed',
          litellm_params: {
            model: 'bedrock/amazon.titan-embed-text-v2:0',
            api_base: front.url,
            ...AWS,
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await gateway.close();
    await front.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('chats: a signed Converse call, the answer, the raw stop reason, no secrets', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-text.json'))));
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: 'claude', messages, max_tokens: 100 })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 10,
      total_tokens: 22,
    });
    expect(response.headers.get('x-tollgate-provider')).toBe('bedrock');
    const seen = await upstream.waitForRequest(0);
    expect(seen.url).toBe('/model/us.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse');
    expect(seen.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      inferenceConfig: { maxTokens: 100 },
    });
    expect(seen.headers['x-amz-security-token']).toBe(SESSION);
    expect(JSON.stringify(seen.headers)).not.toContain(TEST_MASTER_KEY);
    // An independent signer agrees with the signature the gateway sent.
    const signedNames =
      /SignedHeaders=([^,]+)/.exec(String(seen.headers.authorization))?.[1]?.split(';') ?? [];
    const headers = Object.fromEntries(
      signedNames.map((name) => [name, String(seen.headers[name])]),
    );
    const expected = aws4.sign(
      {
        host: headers.host,
        method: 'POST',
        path: seen.url,
        service: 'bedrock',
        region: 'us-west-2',
        headers,
        body: seen.bodyText,
      },
      { accessKeyId: AWS.aws_access_key_id, secretAccessKey: SECRET, sessionToken: SESSION },
    );
    expect(seen.headers.authorization).toBe(expected.headers?.Authorization);
  });

  it('streams text from the binary event stream, with the usage chunk', async () => {
    upstream.enqueue(
      framesReply(await loadEventFrames(fixture('bedrock-text.events.txt')), { pieceBytes: 11 }),
    );
    const stream = await gateway.openai.chat.completions.create({
      model: 'claude',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Hello! How can I help you today?');
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 });
    expect((await upstream.waitForRequest(0)).url).toMatch(/\/converse-stream$/);
  });

  it('streams parallel tool calls whose argument deltas assemble to valid JSON', async () => {
    upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-tool-call.events.txt'))));
    const stream = await gateway.openai.chat.completions.create({
      model: 'claude',
      messages,
      stream: true,
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
    });
    const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { arguments: '' });
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        call.arguments += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(
      calls.map((call) => [call.id, call.name, JSON.parse(call.arguments) as unknown]),
    ).toEqual([
      ['tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', 'get_weather', { location: 'Paris, France' }],
      ['tooluse_P0F8eGj3Q2aBwJ8nWmXk1A', 'get_weather', { location: 'Tokyo, Japan' }],
    ]);
  });

  it('turns reasoning_effort into Claude thinking and returns reasoning_content with its signature', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-reasoning.json'))));
    const completion = await gateway.openai.chat.completions.create({
      model: 'claude',
      messages,
      reasoning_effort: 'low',
    });
    const message = completion.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
      provider_metadata?: { bedrock?: { signature?: string } };
    };
    expect(message.reasoning_content).toContain('12231');
    expect(message.provider_metadata?.bedrock?.signature).toMatch(/^EqoB/);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(2048);
    expect((await upstream.waitForRequest(0)).body).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
      inferenceConfig: { maxTokens: 5120 },
    });
  });

  it('embeds with Titan through InvokeModel (base64 to the SDK)', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('bedrock-embeddings-titan.json'))));
    const result = await gateway.openai.embeddings.create({ model: 'embed', input: 'hello world' });
    expect(result.data[0]?.embedding.map((value) => Math.round(value * 1e4) / 1e4)).toEqual([
      0.0123, -0.0456, 0.0789, 0.1011,
    ]);
    expect(result.usage.prompt_tokens).toBe(5);
    expect((await upstream.waitForRequest(0)).url).toBe(
      '/model/amazon.titan-embed-text-v2%3A0/invoke',
    );
  });

  it.each([
    [429, 'ThrottlingException', 'bedrock-error-throttling.json', OpenAI.RateLimitError, 429],
    [
      400,
      'ValidationException',
      'bedrock-error-validation-too-long.json',
      OpenAI.BadRequestError,
      400,
    ],
    [
      403,
      'AccessDeniedException',
      'bedrock-error-access-denied.json',
      OpenAI.InternalServerError,
      502,
    ],
  ] as const)(
    'an upstream %i %s surfaces as the SDK error class',
    async (status, type, body, ErrorClass, gatewayStatus) => {
      upstream.setDefault(
        reply.error(status, await loadJson(fixture(body)), {
          headers: { 'x-amzn-errortype': type },
        }),
      );
      const failure = await gateway.openai.chat.completions
        .create({ model: 'claude', messages })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ErrorClass);
      const error = failure as APIError;
      expect(error.status).toBe(gatewayStatus);
      expect(error.error).toMatchObject({
        layer: 'provider',
        provider: 'bedrock',
        upstream_status: status,
      });
      expect(JSON.stringify(error.error)).not.toContain(SECRET);
    },
  );

  it('refuses a parameter Bedrock cannot honour with a 400 naming it', async () => {
    const failure = await gateway.openai.chat.completions
      .create({ model: 'claude', messages, seed: 1 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as APIError).error).toMatchObject({
      param: 'seed',
      code: 'unsupported_parameter',
    });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('bedrock config checks', () => {
  const options = { source: undefined, env: {}, knownProviders: KNOWN_PROVIDERS };
  const entry = (params: Record<string, unknown>) => ({
    model_list: [
      { model_name: 'c', litellm_params: { model: 'bedrock/amazon.nova-lite-v1:0', ...params } },
    ],
  });

  it('reports half a key pair and a malformed region with their paths', () => {
    expect(() =>
      parseConfig(entry({ aws_access_key_id: 'AKID', aws_region_name: 'US East' }), options),
    ).toThrow(
      /model_list\[0\]\.litellm_params\.aws_secret_access_key: is required for bedrock\/ models when aws_access_key_id is set[\s\S]*aws_region_name: "US East" is not an AWS region/,
    );
  });

  it('accepts an entry without a region (the adapter reports it when called)', () => {
    expect(() =>
      parseConfig(entry({ aws_access_key_id: 'AKID', aws_secret_access_key: 'secret' }), options),
    ).not.toThrow();
  });
});
