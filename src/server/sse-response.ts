import type { ServerResponse } from 'node:http';
import type { ChatStream } from '../core/chat-stream.js';
import { chunkJson } from '../core/chunk-wire.js';
import { toGatewayError } from '../core/errors.js';
import type { RequestContext } from '../core/request-context.js';
import { SSE_DONE, sseData } from '../core/sse.js';
import { gatewayHeaders } from './gateway-headers.js';
import { toOpenAIErrorEnvelope } from './openai-error-envelope.js';

/** Resolves when the response can take more data, or when it is gone. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Above this much pending text, write at once instead of waiting for the end of the tick. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Coalesces the events produced in one tick (an upstream read often carries many chunks) into
 * one `res.write`: each write adds chunked-encoding framing and work in the socket layer, and
 * per-chunk writes were a measurable share of a stream's CPU (BENCHMARKS.md notes). The first
 * event goes out at the end of the current tick, so time to first byte is unchanged.
 */
class SseBatcher {
  private pending = '';
  private scheduled = false;
  /** Set when the socket asked us to wait (write returned false). */
  needsDrain = false;
  private readonly res: ServerResponse;

  constructor(res: ServerResponse) {
    this.res = res;
  }

  push(text: string): void {
    this.pending += text;
    if (this.pending.length >= MAX_PENDING_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending === '' || this.res.destroyed) return;
    const text = this.pending;
    this.pending = '';
    if (!this.res.write(text)) this.needsDrain = true;
  }

  /** Ends the response with whatever is pending plus a last event. */
  end(last: string): void {
    const text = this.pending + last;
    this.pending = '';
    if (!this.res.destroyed) this.res.end(text);
  }
}

/**
 * Writes a started stream as OpenAI-style server-sent events. Chunks go out as they arrive (no
 * buffering beyond the current tick); the final usage chunk is sent only when the client asked
 * for it (`stream_options.include_usage`). A failure after the first chunk becomes a
 * `data: {"error"}` event followed by `[DONE]` (SPEC §3). A client that goes away ends the loop,
 * which cancels the upstream request through the stream's `return()`.
 */
export async function writeSseStream(
  res: ServerResponse,
  stream: ChatStream,
  options: { ctx: RequestContext; includeUsage: boolean },
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...gatewayHeaders(options.ctx),
  });
  const batcher = new SseBatcher(res);
  try {
    for (;;) {
      // Every chunk of one upstream read at once (ChatStream.nextBatch), serialised into one push.
      const batch = await stream.nextBatch();
      if (batch === undefined) break;
      if (res.destroyed) {
        // The client went away: cancel the upstream request.
        await stream.return();
        return;
      }
      let text = '';
      for (const chunk of batch) {
        if (!options.includeUsage && chunk.choices.length === 0 && chunk.usage != null) continue;
        text += sseData(chunkJson(chunk));
      }
      if (text !== '') batcher.push(text);
      if (batcher.needsDrain) {
        batcher.needsDrain = false;
        await drained(res);
      }
    }
    batcher.end(SSE_DONE);
  } catch (error) {
    if (res.destroyed) return;
    const envelope = toOpenAIErrorEnvelope(toGatewayError(error));
    batcher.end(sseData(JSON.stringify(envelope)) + SSE_DONE);
  }
}
