import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One server-sent event as read from an upstream. */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Turns a byte stream into server-sent events using eventsource-parser (handles CRLF, multi-line
 * data, comments and events split across network chunks).
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data });
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    while (pending.length > 0) yield pending.shift() as SseEvent;
  }
  parser.feed(decoder.decode());
  while (pending.length > 0) yield pending.shift() as SseEvent;
}

/** Encodes one `data:` event. JSON never contains raw newlines, so one line suffices. */
export function sseData(json: string): string {
  return `data: ${json}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';
