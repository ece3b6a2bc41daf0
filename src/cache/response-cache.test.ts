import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../core/chat-chunk.js';
import type { ChatResponse } from '../core/chat-response.js';
import { ChunkBatchStream, isChunkBatchIterator } from '../core/chunk-batches.js';
import { silentLogger } from '../core/logger.js';
import { RequestContext } from '../core/request-context.js';
import type { CacheStore } from './cache.js';
import { resolveCacheSettings } from './cache-settings.js';
import { ResponseCache } from './response-cache.js';

/** A store whose writes finish only when the test says so (a slow or stuck Redis SET). */
function slowStore(): CacheStore & { finishWrites: () => void; values: Map<string, string> } {
  const values = new Map<string, string>();
  const waiting: Array<() => void> = [];
  return {
    type: 'redis',
    values,
    get: (key) => Promise.resolve(values.get(key)),
    set: (key, value) => {
      values.set(key, value);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    finishWrites: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
    health: () => ({ type: 'redis', status: 'ok' }),
    close: () => Promise.resolve(),
  };
}

const answer: ChatResponse = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hi', refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};

function context(): RequestContext {
  const ctx = new RequestContext({
    kind: 'chat',
    credential: undefined,
    signal: new AbortController().signal,
  });
  ctx.group = { name: 'chat', deployments: [] };
  return ctx;
}

describe('ResponseCache writes', () => {
  it('answers a miss without waiting for the store, and close() waits for the write', async () => {
    const store = slowStore();
    const cache = new ResponseCache({
      store,
      settings: resolveCacheSettings({ type: 'redis' }, {}),
      logger: silentLogger,
      costUsd: () => 0,
    });
    const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'Hello' }] };
    const ctx = context();
    expect(await cache.lookup(ctx, request)).toBeUndefined();
    const served = await cache.callThrough(ctx, () => Promise.resolve(answer));
    expect(served).toBe(answer);
    // The write starts once the answer has been handed back, before the next request is read.
    expect(store.values.size).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.values.size).toBe(1);
    expect(await cache.lookup(context(), request)).toEqual(answer);

    let closed = false;
    const closing = cache.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    store.finishWrites();
    await closing;
    expect(closed).toBe(true);
  });

  it('passes a stream that hands over whole reads on as one, and stores it once complete', async () => {
    const store = slowStore();
    const cache = new ResponseCache({
      store,
      settings: resolveCacheSettings({ type: 'redis' }, {}),
      logger: silentLogger,
      costUsd: () => 0,
    });
    const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: 'stop' | null = null) => ({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk' as const,
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const usage: ChatChunk = {
      ...chunk({}),
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    };
    const reads: ChatChunk[][] = [
      [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hi' })],
      [chunk({ content: ' there' }), chunk({}, 'stop'), usage],
    ];
    const upstream = new ChunkBatchStream({
      read: () => Promise.resolve(reads.shift()),
      cancel: () => Promise.resolve(),
    });
    const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'Hello' }] };
    const ctx = context();
    ctx.streaming = true;
    await cache.lookup(ctx, request);
    const first = await upstream.next();
    const opened = await cache.callThrough(ctx, () =>
      Promise.resolve({ first: first.value as ChatChunk, rest: upstream }),
    );
    const rest = opened.rest;
    if (!isChunkBatchIterator(rest)) throw new Error('the cache hid the batches');
    expect(rest.takeBuffered().map((item) => item.choices[0]?.delta.content)).toEqual(['Hi']);
    expect(await rest.nextBatch()).toHaveLength(3);
    expect(store.values.size).toBe(0);
    expect(await rest.nextBatch()).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    const stored = await cache.lookup(context(), request);
    expect(stored?.choices[0]?.message.content).toBe('Hi there');
    expect(stored?.usage).toMatchObject({ total_tokens: 3 });
    store.finishWrites();
  });
});
