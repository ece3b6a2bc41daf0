import type { ChatChunk } from '../../core/chat-chunk.js';
import { ChunkBatchStream, type ChunkBatchSource } from '../../core/chunk-batches.js';
import { SseDecoder, type SseEvent } from '../../core/sse.js';
import { OpenAIStreamMapper, type OpenAIStreamInit } from './map-openai-stream.js';

/**
 * Drives an OpenAI-compatible stream one upstream read at a time: bytes → SSE events → canonical
 * chunks (`map-openai-stream.ts`), synchronously for every event of the read, handed on as one
 * batch (`src/core/chunk-batches.ts`). What ends or fails the stream is the mapper's business;
 * this file keeps the order of things:
 * - chunks mapped before a failure in the same read are handed on first, and the failure is
 *   thrown on the next read (so a bad chunk after the first one is still an error event, not a
 *   retried request);
 * - after `[DONE]` the body is drained (the connection returns to the pool) and a failure while
 *   draining changes nothing;
 * - the final usage chunk comes after the body ended;
 * - on a failure the upstream body is released at once.
 */

/** Opens the upstream request; resolves with the response body. Called on the first read. */
export type OpenStreamBody = () => Promise<AsyncIterable<Uint8Array>>;

class OpenAIStreamSource implements ChunkBatchSource {
  private readonly open: OpenStreamBody;
  private readonly mapper: OpenAIStreamMapper;
  private readonly decoder = new SseDecoder();
  private body: AsyncIterator<Uint8Array> | undefined;
  private ended = false;
  /** A failure found after chunks of the same read: thrown on the next read. */
  private failure: { readonly error: unknown } | undefined;

  constructor(open: OpenStreamBody, init: OpenAIStreamInit) {
    this.open = open;
    this.mapper = new OpenAIStreamMapper(init);
  }

  async read(): Promise<ChatChunk[] | undefined> {
    if (this.failure !== undefined) throw this.failure.error;
    if (this.ended) return undefined;
    this.body ??= (await this.open())[Symbol.asyncIterator]();
    let result: IteratorResult<Uint8Array>;
    try {
      result = await this.body.next();
    } catch (error) {
      // After [DONE] the answer is complete; a failure while draining the body changes nothing.
      if (!this.mapper.done) throw error;
      result = { done: true, value: undefined };
    }
    if (result.done !== true) return this.settle(this.map(this.decoder.push(result.value)));
    this.ended = true;
    const chunks = this.map(this.decoder.end());
    if (this.failure === undefined) {
      try {
        chunks.push(await this.mapper.end());
      } catch (error) {
        this.failure = { error };
      }
    }
    return this.settle(chunks);
  }

  async cancel(): Promise<void> {
    await this.body?.return?.();
  }

  /** Maps the events of one read, stopping at the first failure (kept for the next read). */
  private map(events: readonly SseEvent[]): ChatChunk[] {
    const chunks: ChatChunk[] = [];
    for (const event of events) {
      if (this.mapper.done) break;
      try {
        const chunk = this.mapper.accept(event);
        if (chunk !== undefined) chunks.push(chunk);
      } catch (error) {
        this.failure = { error };
        break;
      }
    }
    return chunks;
  }

  /** Hands the chunks on; on a failure, releases the body and throws unless chunks came first. */
  private async settle(chunks: ChatChunk[]): Promise<ChatChunk[]> {
    const failure = this.failure;
    if (failure === undefined) return chunks;
    this.ended = true;
    if (this.body !== undefined) {
      try {
        await this.body.return?.();
      } catch {
        // The body is being torn down; the failure already says what went wrong.
      }
    }
    if (chunks.length > 0) return chunks;
    throw failure.error;
  }
}

/**
 * An OpenAI-compatible stream as canonical chunks. Nothing is sent upstream before the first
 * `next()` / `nextBatch()` (ModelAdapter contract): `open` runs on the first read.
 */
export function readOpenAIStream(open: OpenStreamBody, init: OpenAIStreamInit): ChunkBatchStream {
  return new ChunkBatchStream(new OpenAIStreamSource(open, init));
}
