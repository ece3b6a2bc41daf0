import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashEmbedding } from '../../src/adapters/mock/mock-embedding.js';
import { answerAll, streamChunks } from '../accounting/support.js';
import {
  loadChunks,
  reply,
  startFakeUpstream,
  type FakeUpstream,
  type RecordedRequest,
  type SseOptions,
} from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { cachedConfig, semanticConfig } from './support.js';

const TOOL_CALL_CHUNKS = new URL(
  '../../src/adapters/openai/__fixtures__/openai-tool-call.chunks.txt',
  import.meta.url,
);

const base = {
  id: 'chatcmpl-rich',
  object: 'chat.completion.chunk',
  created: 1_731_000_000,
  model: 'gpt-4o-mini',
};

/**
 * A stream with everything the cache must keep: provider data on a chunk of its own (moved to
 * the next chunk by the adapter), reasoning, content in pieces, a finish reason, and usage with
 * cached and reasoning token details.
 */
const RICH_CHUNKS = [
  JSON.stringify({ ...base, choices: [], prompt_filter_results: [{ prompt_index: 0 }] }),
  JSON.stringify({
    ...base,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  }),
  JSON.stringify({
    ...base,
    choices: [{ index: 0, delta: { reasoning_content: 'think ' }, finish_reason: null }],
  }),
  JSON.stringify({
    ...base,
    choices: [{ index: 0, delta: { reasoning_content: 'hard' }, finish_reason: null }],
  }),
  JSON.stringify({
    ...base,
    choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }],
  }),
  JSON.stringify({
    ...base,
    choices: [{ index: 0, delta: { content: 'lo!' }, finish_reason: null }],
  }),
  JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
  JSON.stringify({
    ...base,
    choices: [],
    usage: {
      prompt_tokens: 10,
      completion_tokens: 20,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 7 },
    },
  }),
];

/** Content chunks that never say why they stopped, then `[DONE]`. */
const UNFINISHED_CHUNKS = streamChunks(3).filter(
  (chunk) => !chunk.includes('"finish_reason":"stop"'),
);

const question = (text: string) => [{ role: 'user' as const, content: text }];

describe('a stream that completes is stored (memory cache, openai SDK)', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway(cachedConfig(upstream, { type: 'local' }));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.reset();
  });

  /** Every request answered with `chunks` as SSE (JSON requests would get a 501: none expected). */
  function streamWith(chunks: readonly string[], options: SseOptions = {}): void {
    upstream.setDefault(reply.sse(chunks, options));
  }

  async function readStream(content: string, extra: Record<string, unknown> = {}) {
    const { data: stream, response } = await gateway.openai.chat.completions
      .create({
        model: 'chat',
        messages: question(content),
        stream: true,
        stream_options: { include_usage: true },
        ...extra,
      })
      .withResponse();
    let text = '';
    let reasoning = '';
    let finish: string | null | undefined;
    let usage: unknown;
    const args = new Map<number, { id: string | undefined; name: string; arguments: string }>();
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? '';
      reasoning +=
        (choice?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
      finish ??= choice?.finish_reason;
      for (const call of choice?.delta.tool_calls ?? []) {
        const seen = args.get(call.index) ?? { id: undefined, name: '', arguments: '' };
        seen.id ??= call.id;
        seen.name += call.function?.name ?? '';
        seen.arguments += call.function?.arguments ?? '';
        args.set(call.index, seen);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    return {
      cache: response.headers.get('x-tollgate-cache'),
      text,
      reasoning,
      finish,
      usage,
      toolCalls: [...args.values()],
    };
  }

  it('replays a stored stream to a streaming request: text, usage, one upstream call', async () => {
    streamWith(streamChunks(3));
    const first = await readStream('stream then stream');
    const second = await readStream('stream then stream');
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.text).toBe(' word0 word1 word2');
    expect(second.text).toBe(first.text);
    expect(second.finish).toBe('stop');
    expect(second.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 20,
      total_tokens: 30,
      cost: 0,
    });
    expect(upstream.requests).toHaveLength(1);
  });

  it('replays tool calls with their arguments assembled from the fragments', async () => {
    streamWith(await loadChunks(TOOL_CALL_CHUNKS));
    const first = await readStream('weather in Paris and Tokyo');
    const second = await readStream('weather in Paris and Tokyo');
    expect(second.cache).toBe('hit');
    expect(second.finish).toBe('tool_calls');
    expect(second.toolCalls).toEqual([
      {
        id: 'call_9wFBNPmxRuZ7VWPXHc2tMEZa',
        name: 'get_weather',
        arguments: '{"location": "Paris, France"}',
      },
      {
        id: 'call_JKlbt0uJ0WR1PNSHwBdUv2Cq',
        name: 'get_weather',
        arguments: '{"location": "Tokyo, Japan"}',
      },
    ]);
    expect(second.toolCalls).toEqual(first.toolCalls);
    expect(second.usage).toMatchObject({
      prompt_tokens: 82,
      completion_tokens: 49,
      total_tokens: 131,
    });
    expect(upstream.requests).toHaveLength(1);
  });

  it('serves a stored stream to a JSON request as the whole answer', async () => {
    streamWith(RICH_CHUNKS);
    const streamed = await readStream('rich answer');
    expect(streamed.cache).toBe('miss');
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: 'chat', messages: question('rich answer') })
      .withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(Number(response.headers.get('x-tollgate-cost'))).toBe(0);
    expect(data).toMatchObject({
      id: 'chatcmpl-rich',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!', reasoning_content: 'think hard' },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 20,
        total_tokens: 30,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 7 },
      },
      provider_metadata: { openai: { prompt_filter_results: [{ prompt_index: 0 }] } },
    });
    expect(upstream.requests).toHaveLength(1);
  });

  it('does not store a stream its client stopped reading', async () => {
    streamWith(streamChunks(5), { chunkDelayMs: 100 });
    const stream = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages: question('cut short'),
      stream: true,
    });
    for await (const _chunk of stream) break;
    // The gateway saw the client go and cancelled the upstream before the answer was complete.
    expect((await (await upstream.waitForRequest(0)).closed).finished).toBe(false);
    streamWith(streamChunks(2));
    const again = await readStream('cut short');
    expect(again.cache).toBe('miss');
    expect(again.text).toBe(' word0 word1');
    expect(upstream.requests).toHaveLength(2);
  });

  it('does not store a stream that failed mid-way', async () => {
    upstream.enqueue(reply.sse(streamChunks(5), { resetAfterChunk: 3 }));
    await expect(readStream('reset mid-way')).rejects.toThrow();
    streamWith(streamChunks(2));
    expect((await readStream('reset mid-way')).cache).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
  });

  it('does not store a stream that ended without a finish reason', async () => {
    streamWith(UNFINISHED_CHUNKS);
    const first = await readStream('never finished');
    expect(first.text).toBe(' word0 word1 word2');
    expect(first.finish).toBeUndefined();
    expect((await readStream('never finished')).cache).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
  });

  it('does not store a stream sent with no-store', async () => {
    streamWith(streamChunks(2));
    await readStream('private stream', { cache: { 'no-store': true } });
    expect((await readStream('private stream')).cache).toBe('miss');
    expect(upstream.requests).toHaveLength(2);
  });

  it('coalesces identical concurrent streams: one upstream call, the others replay its answer', async () => {
    streamWith(streamChunks(4), { chunkDelayMs: 40 });
    const streams = Array.from({ length: 6 }, () => readStream('everyone at once'));
    // A JSON request for the same answer waits for the leading stream too.
    const json = gateway.openai.chat.completions
      .create({ model: 'chat', messages: question('everyone at once') })
      .withResponse();
    const answers = await Promise.all(streams);
    const { data, response } = await json;
    expect(upstream.requests).toHaveLength(1);
    expect(answers.filter((answer) => answer.cache === 'miss')).toHaveLength(1);
    expect(answers.filter((answer) => answer.cache === 'hit')).toHaveLength(5);
    for (const answer of answers) {
      expect(answer.text).toBe(' word0 word1 word2 word3');
      expect(answer.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 20 });
    }
    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(data.choices[0]?.message.content).toBe(' word0 word1 word2 word3');
  });

  it('lets waiters call themselves when the leading stream fails', async () => {
    upstream.enqueue(reply.sse(streamChunks(5), { chunkDelayMs: 30, resetAfterChunk: 3 }));
    answerAll(upstream);
    const leader = readStream('leader fails');
    await upstream.waitForRequest(0);
    const waiter = readStream('leader fails');
    await expect(leader).rejects.toThrow();
    const answer = await waiter;
    expect(answer.text).toBe(' word0 word1 word2');
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('a completed stream is indexed by the semantic cache too (sqlite-semantic)', () => {
  it('serves a paraphrase of a streamed prompt as a semantic hit', async () => {
    const upstream = await startFakeUpstream();
    upstream.setDefault((request: RecordedRequest) => {
      const body = request.body as { input?: unknown };
      if (!request.path.endsWith('/embeddings')) return reply.sse(streamChunks(2));
      return reply.json({
        object: 'list',
        model: 'text-embedding-3-small',
        data: [
          { object: 'embedding', index: 0, embedding: hashEmbedding(String(body.input), 256) },
        ],
        usage: { prompt_tokens: 8, total_tokens: 8 },
      });
    });
    const gateway = await startTestGateway(semanticConfig(upstream));
    try {
      const stream = await gateway.openai.chat.completions.create({
        model: 'chat',
        messages: question('What is the capital city of France today?'),
        stream: true,
      });
      for await (const _chunk of stream) {
        // Read to the end: only a completed stream is stored.
      }
      const { data, response } = await gateway.openai.chat.completions
        .create({ model: 'chat', messages: question('what is the capital city of france') })
        .withResponse();
      expect(response.headers.get('x-tollgate-cache')).toBe('semantic-hit');
      expect(data.choices[0]?.message.content).toBe(' word0 word1');
      const chatCalls = upstream.requests.filter((request) =>
        request.path.endsWith('/chat/completions'),
      );
      expect(chatCalls).toHaveLength(1);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
