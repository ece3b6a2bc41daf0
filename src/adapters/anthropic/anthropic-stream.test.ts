import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatChunk } from '../../core/chat-chunk.js';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
  gatewayErrorOf,
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
  streamedText,
} from '../../../test/support/adapter-harness.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import { anthropicSse } from '../../../test/contract/anthropic-sse.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const chunksOf = (name: string): Promise<string[]> => loadChunks(fixture(name));

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

function adapter(providerModel = 'claude-sonnet-4-5-20250929') {
  return createAnthropicAdapter(
    makeDeployment({
      provider: 'anthropic',
      providerModel,
      apiBase: upstream.url,
      apiKey: 'sk-ant-api03-secret-0123456789abcdef',
    }),
    pools,
  );
}

function stream(options = makeCallOptions(), request = makeChatRequest({ stream: true })) {
  return collect(adapter().stream(request, options));
}

/** Choice 0's deltas and finish reasons, without the envelope. */
function deltas(chunks: readonly ChatChunk[]) {
  return chunks.map((chunk) =>
    chunk.choices.length === 0
      ? { usage: chunk.usage, provider_metadata: chunk.provider_metadata }
      : { delta: chunk.choices[0]?.delta, finish_reason: chunk.choices[0]?.finish_reason },
  );
}

describe('anthropic adapter: streams', () => {
  it('asks for a stream and maps the text event sequence', async () => {
    upstream.enqueue(anthropicSse(await chunksOf('anthropic-text.chunks.txt')));
    const chunks = await stream();
    const [sent] = upstream.requests;
    expect(sent?.body).toMatchObject({ stream: true });
    expect(sent?.headers.accept).toBe('text/event-stream');
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(
      new Set(['msg_01Mrq8kQ2YzUu6nKXq5dF3Wb']),
    );
    expect(deltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: 'Hello' }, finish_reason: null },
      ...['!', ' How', ' can', ' I', ' help', ' you', ' today', '?'].map((content) => ({
        delta: { content },
        finish_reason: null,
      })),
      {
        delta: { provider_metadata: { anthropic: { stop_reason: 'end_turn' } } },
        finish_reason: 'stop',
      },
      {
        usage: {
          prompt_tokens: 12,
          completion_tokens: 12,
          total_tokens: 24,
          prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
        provider_metadata: undefined,
      },
    ]);
  });

  it('indexes tool calls among tool calls, not by content block', async () => {
    upstream.enqueue(anthropicSse(await chunksOf('anthropic-tool-call.chunks.txt')));
    const chunks = await stream();
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas).toEqual([
      {
        index: 0,
        id: 'toolu_01A09q90qw90lq917835lq9',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
      { index: 0, function: { arguments: '{"location"' } },
      { index: 0, function: { arguments: ': "Paris, ' } },
      { index: 0, function: { arguments: 'France"}' } },
      {
        index: 1,
        id: 'toolu_01B78h67gs78jf67df76vd3',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
      { index: 1, function: { arguments: '{"locat' } },
      { index: 1, function: { arguments: 'ion": "Tokyo,' } },
      { index: 1, function: { arguments: ' Japan"}' } },
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams thinking as reasoning_content, with the signature as metadata', async () => {
    upstream.enqueue(anthropicSse(await chunksOf('anthropic-thinking.chunks.txt')));
    const chunks = await stream();
    const signature = expect.stringMatching(/^EqQB/) as string;
    expect(deltas(chunks).slice(0, 4)).toEqual([
      {
        delta: {
          role: 'assistant',
          reasoning_content: 'The user asks how many r\'s are in "strawberry". ',
        },
        finish_reason: null,
      },
      {
        delta: { reasoning_content: 's-t-r-a-w-b-e-r-r-y: r at positions 3, 8 and 9. ' },
        finish_reason: null,
      },
      { delta: { reasoning_content: 'That is 3.' }, finish_reason: null },
      { delta: { provider_metadata: { anthropic: { signature } } }, finish_reason: null },
    ]);
    expect(streamedText(chunks)).toBe('There are 3 r\'s in "strawberry".');
    expect(chunks.at(-2)?.choices[0]?.delta.provider_metadata).toEqual({
      anthropic: { stop_reason: 'end_turn', signature },
    });
    expect(chunks.at(-1)?.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 38 });
  });

  it('streams an emulated structured answer as content', async () => {
    upstream.enqueue(anthropicSse(await chunksOf('anthropic-json-tool.chunks.txt')));
    const options = makeCallOptions();
    const chunks = await collect(
      adapter('claude-3-5-haiku-20241022').stream(
        makeChatRequest({ stream: true, response_format: { type: 'json_object' } }),
        options,
      ),
    );
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls != null)).toBe(false);
    expect(JSON.parse(streamedText(chunks))).toEqual({ city: 'Paris', temperature_c: 18 });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(options.warnings.messages).toHaveLength(1);
  });

  it('reports cache reads and writes in the stream usage', async () => {
    upstream.enqueue(anthropicSse(await chunksOf('anthropic-cached.chunks.txt')));
    const chunks = await stream();
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 2379,
      completion_tokens: 11,
      total_tokens: 2390,
      prompt_tokens_details: { cached_tokens: 2048, cache_creation_tokens: 310 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('estimates usage, flagged, when the stream carries none', async () => {
    const events = (await chunksOf('anthropic-text.chunks.txt')).map((line) => {
      const event = JSON.parse(line) as { usage?: unknown; message?: { usage?: unknown } };
      delete event.usage;
      delete event.message?.usage;
      return JSON.stringify(event);
    });
    upstream.enqueue(anthropicSse(events));
    const chunks = await stream();
    const last = chunks.at(-1);
    expect(last?.provider_metadata).toEqual({ anthropic: { usage_estimated: true } });
    expect(last?.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('ignores ping and event types it does not know', async () => {
    const events = await chunksOf('anthropic-text.chunks.txt');
    events.splice(3, 0, '{"type":"content_block_telemetry","index":0}', '{"type":"ping"}');
    upstream.enqueue(anthropicSse(events));
    expect(streamedText(await stream())).toBe('Hello! How can I help you today?');
  });
});

describe('anthropic adapter: stream failures', () => {
  it('throws an overloaded error event before any chunk from the first next()', async () => {
    upstream.enqueue(anthropicSse(await chunksOf('anthropic-overloaded-event.chunks.txt')));
    const iterator = adapter().stream(makeChatRequest(), makeCallOptions())[Symbol.asyncIterator]();
    const error = await gatewayErrorOf(iterator.next());
    expect(error).toMatchObject({
      code: 'upstream_overloaded',
      layer: 'provider',
      provider: 'anthropic',
      isRetryable: true,
    });
    expect(error.message).toContain('Overloaded');
  });

  it('fails mid-stream with the mapped error after content was sent', async () => {
    const events = (await chunksOf('anthropic-text.chunks.txt')).slice(0, 5);
    events.push('{"type":"error","error":{"type":"api_error","message":"Internal server error"}}');
    upstream.enqueue(anthropicSse(events));
    const received: ChatChunk[] = [];
    const error = await gatewayErrorOf(
      (async () => {
        for await (const chunk of adapter().stream(makeChatRequest(), makeCallOptions())) {
          received.push(chunk);
        }
      })(),
    );
    expect(streamedText(received)).toBe('Hello!');
    expect(error).toMatchObject({ code: 'upstream_error', isRetryable: true });
  });

  it('treats a body that ends before a stop reason as cut off', async () => {
    upstream.enqueue(anthropicSse((await chunksOf('anthropic-text.chunks.txt')).slice(0, 6)));
    const error = await gatewayErrorOf(stream());
    expect(error.code).toBe('upstream_connection_failed');
    expect(error.message).toContain('ended the stream before it finished');
  });

  it('maps a 529 at the start like a non-streaming error', async () => {
    const body = await loadJson(fixture('anthropic-error-overloaded.json'));
    upstream.enqueue(reply.error(529, body));
    const error = await gatewayErrorOf(stream());
    expect(error).toMatchObject({
      code: 'upstream_overloaded',
      upstreamStatus: 529,
      isRetryable: true,
    });
  });

  it('refuses an unsupported parameter from the first next(), before any request', async () => {
    const error = await gatewayErrorOf(stream(makeCallOptions(), makeChatRequest({ seed: 1 })));
    expect(error).toMatchObject({ code: 'unsupported_parameter', param: 'seed' });
    expect(upstream.requests).toHaveLength(0);
  });
});
