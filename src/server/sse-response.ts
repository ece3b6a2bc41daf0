import type { ServerResponse } from 'node:http';
import type { ChatStream } from '../core/chat-stream.js';
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

/**
 * Writes a started stream as OpenAI-style server-sent events. Chunks go out as they arrive (no
 * buffering); the final usage chunk is sent only when the client asked for it
 * (`stream_options.include_usage`). A failure after the first chunk becomes a `data: {"error"}`
 * event followed by `[DONE]` (SPEC §3). A client that goes away ends the loop, which cancels the
 * upstream request through the stream's `return()`.
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
  try {
    for await (const chunk of stream) {
      if (res.destroyed) break;
      if (!options.includeUsage && chunk.choices.length === 0 && chunk.usage != null) continue;
      if (!res.write(sseData(JSON.stringify(chunk)))) await drained(res);
    }
    if (!res.destroyed) res.end(SSE_DONE);
  } catch (error) {
    if (res.destroyed) return;
    const envelope = toOpenAIErrorEnvelope(toGatewayError(error));
    res.write(sseData(JSON.stringify(envelope)));
    res.end(SSE_DONE);
  }
}
