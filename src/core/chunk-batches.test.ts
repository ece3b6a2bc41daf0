import { describe, expect, it } from 'vitest';
import { contentChunk } from '../../test/support/content-chunk.js';
import type { ChatChunk } from './chat-chunk.js';
import { ChunkBatchStream, isChunkBatchIterator, type ChunkBatchSource } from './chunk-batches.js';

function contents(chunks: readonly ChatChunk[] | undefined): string[] | undefined {
  return chunks?.map((item) => item.choices[0]?.delta.content ?? '');
}

/** A source serving prepared reads, counting calls; a read that is an Error is thrown. */
function scriptedSource(reads: Array<string[] | Error | undefined>): ChunkBatchSource & {
  reads: number;
  cancels: number;
} {
  const source = {
    reads: 0,
    cancels: 0,
    read(): Promise<ChatChunk[] | undefined> {
      const next = reads[source.reads];
      source.reads += 1;
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve(next?.map(contentChunk));
    },
    cancel(): Promise<void> {
      source.cancels += 1;
      return Promise.resolve();
    },
  };
  return source;
}

describe('ChunkBatchStream', () => {
  it('reads nothing before the first next()', async () => {
    const source = scriptedSource([['a'], undefined]);
    const stream = new ChunkBatchStream(source);
    expect(source.reads).toBe(0);
    expect(contents([(await stream.next()).value as ChatChunk])).toEqual(['a']);
    expect(source.reads).toBe(1);
  });

  it('hands every chunk of one read over at once, skips empty reads, then ends for good', async () => {
    const source = scriptedSource([['a', 'b', 'c'], [], ['d'], undefined]);
    const stream = new ChunkBatchStream(source);
    expect(contents(await stream.nextBatch())).toEqual(['a', 'b', 'c']);
    expect(source.reads).toBe(1);
    expect(contents(await stream.nextBatch())).toEqual(['d']);
    expect(await stream.nextBatch()).toBeUndefined();
    expect(await stream.nextBatch()).toBeUndefined();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(source.reads).toBe(4);
  });

  it('serves next() one chunk at a time from one read, and takeBuffered() the rest of it', async () => {
    const source = scriptedSource([['a', 'b', 'c'], ['d'], undefined]);
    const stream = new ChunkBatchStream(source);
    expect(contents([(await stream.next()).value as ChatChunk])).toEqual(['a']);
    expect(contents([(await stream.next()).value as ChatChunk])).toEqual(['b']);
    expect(source.reads).toBe(1);
    expect(contents(stream.takeBuffered())).toEqual(['c']);
    expect(stream.takeBuffered()).toEqual([]);
    expect(contents(await stream.nextBatch())).toEqual(['d']);
    expect(isChunkBatchIterator(stream)).toBe(true);
  });

  it('is finished after a read failed', async () => {
    const source = scriptedSource([['a'], new Error('boom'), ['never']]);
    const stream = new ChunkBatchStream(source);
    await stream.nextBatch();
    await expect(stream.nextBatch()).rejects.toThrow('boom');
    expect(await stream.nextBatch()).toBeUndefined();
    expect(source.reads).toBe(2);
  });

  it('return() waits for the read in flight, then cancels the source once', async () => {
    let release: (value: ChatChunk[]) => void = () => undefined;
    let cancelled = false;
    const stream = new ChunkBatchStream({
      read: () =>
        new Promise<ChatChunk[]>((resolve) => {
          release = resolve;
        }),
      cancel: () => {
        cancelled = true;
        return Promise.resolve();
      },
    });
    const reading = stream.nextBatch();
    const returning = stream.return();
    await Promise.resolve();
    expect(cancelled).toBe(false);
    release([contentChunk('late')]);
    await reading;
    expect(await returning).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe(true);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('does not cancel a source that already ended', async () => {
    const source = scriptedSource([undefined]);
    const stream = new ChunkBatchStream(source);
    expect(await stream.nextBatch()).toBeUndefined();
    await stream.return();
    expect(source.cancels).toBe(0);
  });
});
