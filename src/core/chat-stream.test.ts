import { describe, expect, it } from 'vitest';
import { contentChunk } from '../../test/support/content-chunk.js';
import type { ChatChunk } from './chat-chunk.js';
import { ChatStream } from './chat-stream.js';
import { ChunkBatchStream } from './chunk-batches.js';
import { GatewayError } from './errors.js';
import { RequestContext } from './request-context.js';
import type { RequestStatus } from './request-context.js';

const usageChunk = (): ChatChunk => ({
  id: 'x',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
});

const texts = (chunks: readonly ChatChunk[] | undefined): string[] | undefined =>
  chunks?.map((item) => item.choices[0]?.delta.content ?? 'usage');

/** A stream over prepared upstream reads; the first chunk is taken the way the pipeline does. */
async function open(
  reads: Array<ChatChunk[] | Error>,
  settle: () => Promise<void> = () => Promise.resolve(),
) {
  let position = 0;
  const rest = new ChunkBatchStream({
    read: () => {
      const next = reads[position];
      position += 1;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    cancel: () => Promise.resolve(),
  });
  const first = await rest.next();
  const ctx = new RequestContext({
    kind: 'chat',
    credential: undefined,
    signal: new AbortController().signal,
  });
  const settled: Array<Exclude<RequestStatus, 'pending'>> = [];
  const stream = new ChatStream({
    ctx,
    first: first.value as ChatChunk,
    rest,
    prompt: [],
    finish: (_ctx, status) => {
      settled.push(status);
      ctx.costUsd = 0.5;
      return settle();
    },
  });
  return { stream, ctx, settled, reads: () => position };
}

describe('ChatStream batches', () => {
  it('hands over the first chunk with the rest of its upstream read, without another read', async () => {
    const { stream, reads } = await open([
      [contentChunk('a'), contentChunk('b'), contentChunk('c')],
      [contentChunk('d')],
    ]);
    expect(texts(await stream.nextBatch())).toEqual(['a', 'b', 'c']);
    expect(reads()).toBe(1);
    expect(texts(await stream.nextBatch())).toEqual(['d']);
  });

  it('holds the usage chunk until the upstream ended, settles once, and puts the cost on it', async () => {
    const { stream, ctx, settled } = await open([
      [contentChunk('a'), contentChunk('b')],
      [usageChunk()],
      [],
    ]);
    expect(texts(await stream.nextBatch())).toEqual(['a', 'b']);
    expect(settled).toEqual([]);
    const last = await stream.nextBatch();
    expect(texts(last)).toEqual(['usage']);
    expect(last?.[0]?.usage?.cost).toBe(0.5);
    expect(settled).toEqual(['success']);
    expect(ctx.usage?.total_tokens).toBe(5);
    expect(await stream.nextBatch()).toBeUndefined();
    expect(settled).toEqual(['success']);
  });

  it('gives next() the same chunks in the same order, one at a time', async () => {
    const { stream } = await open([
      [contentChunk('a'), contentChunk('b')],
      [contentChunk('c'), usageChunk()],
    ]);
    const seen: string[] = [];
    for await (const item of stream) seen.push(item.choices[0]?.delta.content ?? 'usage');
    expect(seen).toEqual(['a', 'b', 'c', 'usage']);
  });

  it('settles as error once when the upstream fails after the first read', async () => {
    const failure = new GatewayError('upstream_connection_failed', 'reset');
    const { stream, ctx, settled } = await open([[contentChunk('a')], failure]);
    await stream.nextBatch();
    await expect(stream.nextBatch()).rejects.toBe(failure);
    expect(ctx.error).toBe(failure);
    expect(settled).toEqual(['error']);
  });

  it('settles as cancelled when the consumer stops early', async () => {
    const { stream, settled } = await open([
      [contentChunk('a'), contentChunk('b')],
      [contentChunk('c')],
    ]);
    await stream.next();
    await stream.return();
    expect(settled).toEqual(['cancelled']);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('return() while the stream is settling waits for that settle and does not settle again', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { stream, settled } = await open([[contentChunk('a')], [usageChunk()]], () => gate);
    await stream.nextBatch();
    const ending = stream.nextBatch(); // reads the end of the upstream: settles as success
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual(['success']);
    let returned = false;
    const stopping = stream.return().then(() => {
      returned = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(returned).toBe(false);
    release();
    await stopping;
    expect(returned).toBe(true);
    expect(texts(await ending)).toEqual(['usage']);
    expect(settled).toEqual(['success']);
  });
});
