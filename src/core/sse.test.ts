import { describe, expect, it } from 'vitest';
import { readSseEvents, SseDecoder } from './sse.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('SseDecoder', () => {
  it('returns every event completed by one read, and an event split across reads with its end', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data: {"a":1}\n\ndata: {"b":2}\n\ndata: {"c"'))).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '{"b":2}' },
    ]);
    expect(decoder.push(bytes(':3}\r\n\r\nevent: error\ndata: x\n'))).toEqual([
      { event: undefined, data: '{"c":3}' },
    ]);
    expect(decoder.push(bytes('\n'))).toEqual([{ event: 'error', data: 'x' }]);
    expect(decoder.end()).toEqual([]);
  });

  it('keeps a multi-byte character split across reads intact', () => {
    const decoder = new SseDecoder();
    const encoded = bytes('data: é\n\n');
    expect(decoder.push(encoded.slice(0, 7))).toEqual([]);
    expect(decoder.push(encoded.slice(7))).toEqual([{ event: undefined, data: 'é' }]);
  });

  it('drops a leading byte order mark, even when it arrives split across reads', () => {
    const decoder = new SseDecoder();
    const encoded = bytes('\uFEFFdata: 1\n\n');
    expect(decoder.push(encoded.slice(0, 2))).toEqual([]);
    expect(decoder.push(encoded.slice(2))).toEqual([{ event: undefined, data: '1' }]);
    expect(decoder.end()).toEqual([]);
  });

  it('replaces invalid bytes instead of failing', () => {
    const decoder = new SseDecoder();
    const events = decoder.push(Uint8Array.from([...bytes('data: a'), 0xff, ...bytes('\n\n')]));
    expect(events).toEqual([{ event: undefined, data: 'a\uFFFD' }]);
  });
});

describe('readSseEvents', () => {
  it('yields the events of a byte stream in order', async () => {
    async function* body(): AsyncGenerator<Uint8Array> {
      yield bytes('data: 1\n\nda');
      yield bytes('ta: 2\n\n');
    }
    const data: string[] = [];
    for await (const event of readSseEvents(body())) data.push(event.data);
    expect(data).toEqual(['1', '2']);
  });
});
