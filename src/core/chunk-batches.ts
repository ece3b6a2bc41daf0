import type { ChatChunk } from './chat-chunk.js';

/**
 * One upstream read usually carries many chunks (a fast upstream sends a whole answer in one or
 * two reads). Handing them on one promise at a time through every layer (adapter, pipeline,
 * ChatStream, transport) cost a promise and a microtask per chunk per layer, the largest part of
 * a stream's CPU left after the chunk mapping itself (BENCHMARKS.md notes). An adapter whose
 * stream implements this interface lets its consumer take every chunk of one read at once; a
 * consumer that only knows `next()` still gets the chunks one by one.
 */
export interface ChunkBatchIterator extends AsyncIterator<ChatChunk> {
  /** Chunks already read and not handed out yet, without waiting (often none). */
  takeBuffered(): ChatChunk[];
  /** The next chunks that arrived together (never an empty array), or undefined at the end. */
  nextBatch(): Promise<ChatChunk[] | undefined>;
}

export function isChunkBatchIterator(
  iterator: AsyncIterator<ChatChunk>,
): iterator is ChunkBatchIterator {
  const candidate = iterator as Partial<ChunkBatchIterator>;
  return typeof candidate.nextBatch === 'function' && typeof candidate.takeBuffered === 'function';
}

/** Where a ChunkBatchStream reads from: typically one upstream body read per `read()`. */
export interface ChunkBatchSource {
  /** The chunks of the next read (possibly none), or undefined once the stream has ended. */
  read(): Promise<ChatChunk[] | undefined>;
  /** The consumer stopped early: release the upstream. */
  cancel(): Promise<void>;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * An async iterator of chunks over a batch source. Like an async generator it does nothing until
 * the first `next()` (or `nextBatch()`), is finished after it threw or ended, and on `return()`
 * waits for a read in flight before cancelling the source. Reads must not overlap: one consumer,
 * one call at a time.
 */
export class ChunkBatchStream implements ChunkBatchIterator, AsyncIterableIterator<ChatChunk> {
  private readonly source: ChunkBatchSource;
  private buffer: ChatChunk[] = [];
  private index = 0;
  private ended = false;
  private reading: Promise<ChatChunk[] | undefined> | undefined;

  constructor(source: ChunkBatchSource) {
    this.source = source;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk>> {
    if (this.index < this.buffer.length) {
      const value = this.buffer[this.index] as ChatChunk;
      this.index += 1;
      return Promise.resolve({ done: false, value });
    }
    return this.nextBatch().then((batch): IteratorResult<ChatChunk> => {
      if (batch === undefined) return DONE;
      this.buffer = batch;
      this.index = 1;
      return { done: false, value: batch[0] as ChatChunk };
    });
  }

  takeBuffered(): ChatChunk[] {
    if (this.index >= this.buffer.length) return [];
    const rest = this.index === 0 ? this.buffer : this.buffer.slice(this.index);
    this.buffer = [];
    this.index = 0;
    return rest;
  }

  async nextBatch(): Promise<ChatChunk[] | undefined> {
    const buffered = this.takeBuffered();
    if (buffered.length > 0) return buffered;
    while (!this.ended) {
      const reading = this.source.read();
      this.reading = reading;
      let chunks: ChatChunk[] | undefined;
      try {
        chunks = await reading;
      } catch (error) {
        this.ended = true;
        throw error;
      } finally {
        this.reading = undefined;
      }
      if (chunks === undefined) {
        this.ended = true;
        return undefined;
      }
      if (chunks.length > 0) return chunks;
    }
    return undefined;
  }

  async return(): Promise<IteratorResult<ChatChunk>> {
    this.buffer = [];
    this.index = 0;
    if (this.ended) return DONE;
    this.ended = true;
    const reading = this.reading;
    if (reading !== undefined) {
      try {
        await reading;
      } catch {
        // The read in flight failed; the stream is being torn down anyway.
      }
    }
    await this.source.cancel();
    return DONE;
  }
}
