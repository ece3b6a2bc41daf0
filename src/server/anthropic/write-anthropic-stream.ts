import type { ServerResponse } from 'node:http';
import type { ChatStream } from '../../core/chat-stream.js';
import { toGatewayError } from '../../core/errors.js';
import type { RequestContext } from '../../core/request-context.js';
import { toAnthropicErrorEnvelope } from './anthropic-error-envelope.js';
import { anthropicHeaders } from './anthropic-headers.js';
import type { AnthropicStreamEvent } from './anthropic-response.js';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.js';
import { drained } from '../sse-response.js';

/** One named server-sent event; JSON never holds a raw newline, so one data line suffices. */
function sseEvent(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function encodeEvents(events: readonly AnthropicStreamEvent[]): string {
  let out = '';
  for (const event of events) out += sseEvent(event.type, event);
  return out;
}

/**
 * Writes a started stream as Anthropic's server-sent events, each chunk's events as soon as it
 * arrives. A failure after the stream started ends it with Anthropic's `error` event, which the
 * SDK raises as an APIError (https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events).
 * A client that goes away ends the loop, which cancels the upstream through the stream's
 * `return()`.
 */
export async function writeAnthropicStream(
  res: ServerResponse,
  stream: ChatStream,
  options: { ctx: RequestContext; model: string },
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...anthropicHeaders(options.ctx),
  });
  const encoder = new AnthropicStreamEncoder(options.model);
  try {
    for await (const chunk of stream) {
      if (res.destroyed) break;
      const text = encodeEvents(encoder.push(chunk));
      if (text !== '' && !res.write(text)) await drained(res);
    }
    if (!res.destroyed) res.end(encodeEvents(encoder.finish()));
  } catch (error) {
    if (res.destroyed) return;
    const envelope = toAnthropicErrorEnvelope(toGatewayError(error), options.ctx.requestId);
    res.end(sseEvent('error', envelope));
  }
}
