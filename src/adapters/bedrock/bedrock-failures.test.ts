import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
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
import {
  encodeEventFrame,
  framesReply,
  loadEventFrames,
  startEventStreamFront,
  type EventStreamFront,
} from './__fixtures__/event-stream-fixtures.js';
import { createBedrockAdapter } from './bedrock-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

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

function adapter(params: Record<string, unknown> = {}) {
  return createBedrockAdapter(
    makeDeployment({
      provider: 'bedrock',
      providerModel: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      apiBase: front.url,
      apiKey: undefined,
      params: {
        aws_access_key_id: 'AKIDEXAMPLE',
        aws_secret_access_key: SECRET,
        aws_region_name: 'us-east-1',
        ...params,
      },
    }),
    pools,
  );
}

async function httpError(status: number, type: string, body: string) {
  upstream.enqueue(
    reply.error(status, await loadJson(fixture(body)), {
      headers: {
        'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      },
    }),
  );
  return gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
}

describe('bedrock HTTP errors', () => {
  it.each([
    [
      429,
      'ThrottlingException',
      'bedrock-error-throttling.json',
      'upstream_rate_limited',
      429,
      true,
    ],
    [
      400,
      'ValidationException',
      'bedrock-error-validation-too-long.json',
      'context_length_exceeded',
      400,
      false,
    ],
    [
      403,
      'AccessDeniedException',
      'bedrock-error-access-denied.json',
      'upstream_auth_failed',
      502,
      false,
    ],
    [
      403,
      'UnrecognizedClientException',
      'bedrock-error-unrecognized-client.json',
      'upstream_auth_failed',
      502,
      false,
    ],
    [500, 'InternalServerException', 'bedrock-error-internal.json', 'upstream_error', 502, true],
    [
      503,
      'ServiceUnavailableException',
      'bedrock-error-internal.json',
      'upstream_error',
      502,
      true,
    ],
    [
      429,
      'ModelNotReadyException',
      'bedrock-error-internal.json',
      'upstream_overloaded',
      502,
      true,
    ],
  ] as const)('%i %s → %s', async (status, type, body, code, gatewayStatus, retryable) => {
    const error = await httpError(status, type, body);
    expect({
      code: error.code,
      status: error.status,
      isRetryable: error.isRetryable,
      layer: error.layer,
      provider: error.provider,
      upstreamStatus: error.upstreamStatus,
    }).toEqual({
      code,
      status: gatewayStatus,
      isRetryable: retryable,
      layer: 'provider',
      provider: 'bedrock',
      upstreamStatus: status,
    });
    expect(error.message).toContain(type);
  });

  it('keeps a plain validation error a 400 with the upstream message', async () => {
    upstream.enqueue(
      reply.error(
        400,
        { message: 'The model returned the following errors: temperature: range: 0..1' },
        {
          headers: { 'x-amzn-errortype': 'ValidationException' },
        },
      ),
    );
    const error = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(error.code).toBe('upstream_bad_request');
    expect(error.message).toContain('temperature: range: 0..1');
  });

  it('fails a stream before its first chunk on an HTTP error, with Retry-After', async () => {
    upstream.enqueue(
      reply.error(429, await loadJson(fixture('bedrock-error-throttling.json')), {
        retryAfter: '7',
        headers: { 'x-amzn-errortype': 'ThrottlingException' },
      }),
    );
    const error = await gatewayErrorOf(
      collect(adapter().stream(makeChatRequest(), makeCallOptions())),
    );
    expect([error.code, error.retryAfterSeconds]).toEqual(['upstream_rate_limited', 7]);
  });

  it('reports a deployment without region or credentials, and never leaks the secret', async () => {
    const noRegion = createBedrockAdapter(
      makeDeployment({ provider: 'bedrock', providerModel: 'amazon.nova-lite-v1:0', params: {} }),
      pools,
    );
    const error = await gatewayErrorOf(noRegion.generate(makeChatRequest(), makeCallOptions()));
    expect([error.code, error.isRetryable]).toEqual(['upstream_auth_failed', false]);
    expect(error.message).toContain('aws_region_name');
    const noKeys = createBedrockAdapter(
      makeDeployment({
        provider: 'bedrock',
        providerModel: 'amazon.nova-lite-v1:0',
        params: { aws_region_name: 'us-east-1' },
      }),
      pools,
    );
    const streamError = await gatewayErrorOf(
      collect(noKeys.stream(makeChatRequest(), makeCallOptions())),
    );
    expect(streamError.message).toContain('aws_access_key_id');
    upstream.enqueue(
      reply.error(
        403,
        { message: `bad signature for ${SECRET}` },
        { headers: { 'x-amzn-errortype': 'InvalidSignatureException' } },
      ),
    );
    const leaked = await gatewayErrorOf(adapter().generate(makeChatRequest(), makeCallOptions()));
    expect(`${leaked.message} ${leaked.upstreamBody}`).not.toContain(SECRET);
  });
});

describe('bedrock stream failures', () => {
  const textFrames = () => loadEventFrames(fixture('bedrock-text.events.txt'));
  const stream = () => collect(adapter().stream(makeChatRequest(), makeCallOptions()));

  it.each([
    ['throttlingException', 'upstream_rate_limited', 429, true],
    ['validationException', 'upstream_bad_request', 400, false],
    ['modelStreamErrorException', 'upstream_error', 502, true],
    ['serviceUnavailableException', 'upstream_error', 502, true],
    ['internalServerException', 'upstream_error', 502, true],
  ] as const)('an exception frame %s → %s', async (type, code, status, retryable) => {
    const [start] = await textFrames();
    upstream.enqueue(
      framesReply([start!, encodeEventFrame({ exception: type, payload: { message: 'failed' } })]),
    );
    const error = await gatewayErrorOf(stream());
    expect({ code: error.code, status: error.status, isRetryable: error.isRetryable }).toEqual({
      code,
      status,
      isRetryable: retryable,
    });
  });

  it('throws from the first next() when the exception comes before any content', async () => {
    const [start] = await textFrames();
    upstream.enqueue(
      framesReply([
        start!,
        encodeEventFrame({ exception: 'throttlingException', payload: { message: 'slow down' } }),
      ]),
    );
    const iterator = adapter().stream(makeChatRequest(), makeCallOptions())[Symbol.asyncIterator]();
    const error = await gatewayErrorOf(iterator.next());
    expect(error.code).toBe('upstream_rate_limited');
  });

  it('fails after content with the mapped exception', async () => {
    const frames = await textFrames();
    upstream.enqueue(
      framesReply([
        ...frames.slice(0, 3),
        encodeEventFrame({ exception: 'modelStreamErrorException', payload: { message: 'boom' } }),
      ]),
    );
    const chunks: string[] = [];
    const error = await gatewayErrorOf(
      (async () => {
        for await (const chunk of adapter().stream(makeChatRequest(), makeCallOptions())) {
          chunks.push(chunk.choices[0]?.delta.content ?? '');
        }
      })(),
    );
    expect(chunks.join('')).toBe('Hello! How can I');
    expect(error.code).toBe('upstream_error');
  });

  it('treats a frame with a bad checksum as a malformed chunk', async () => {
    const frames = await textFrames();
    const corrupt = Uint8Array.from(frames[1]!);
    corrupt[corrupt.length - 6] = (corrupt[corrupt.length - 6] ?? 0) ^ 0xff;
    upstream.enqueue(framesReply([frames[0]!, corrupt, ...frames.slice(2)]));
    const error = await gatewayErrorOf(stream());
    expect([error.code, error.status]).toEqual(['upstream_invalid_response', 502]);
  });

  it('treats an event whose payload is not the documented shape as a malformed chunk', async () => {
    const [start] = await textFrames();
    upstream.enqueue(
      framesReply([
        start!,
        encodeEventFrame({ event: 'contentBlockDelta', payload: { delta: { text: 'x' } } }),
      ]),
    );
    const error = await gatewayErrorOf(stream());
    expect(error.code).toBe('upstream_invalid_response');
    expect(error.message).toContain('contentBlockIndex');
  });

  it('fails a body cut inside a frame, or ended before messageStop', async () => {
    const frames = await textFrames();
    upstream.enqueue(framesReply([...frames.slice(0, 2), frames[2]!.subarray(0, 20)]));
    expect((await gatewayErrorOf(stream())).code).toBe('upstream_invalid_response');
    upstream.enqueue(framesReply(frames.slice(0, 4)));
    expect((await gatewayErrorOf(stream())).code).toBe('upstream_connection_failed');
  });

  it('fails on a connection reset mid-stream', async () => {
    upstream.enqueue(framesReply(await textFrames(), { resetAfterChunk: 3 }));
    const error = await gatewayErrorOf(stream());
    expect([error.code, error.isRetryable]).toEqual(['upstream_connection_failed', true]);
  });

  it('estimates usage when the stream has no metadata event, and says so', async () => {
    const frames = await textFrames();
    upstream.enqueue(framesReply(frames.slice(0, 6)));
    const options = makeCallOptions();
    const chunks = await collect(adapter().stream(makeChatRequest(), options));
    const last = chunks.at(-1);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(last?.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(last?.provider_metadata).toEqual({ bedrock: { usage_estimated: true } });
    expect(options.warnings.messages).toEqual([
      'bedrock sent no usage in its stream; tokens were estimated',
    ]);
  });
});
