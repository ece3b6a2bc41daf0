import { describe, expect, it } from 'vitest';
import { concatBytes, encodeEventFrame } from './__fixtures__/event-stream-fixtures.js';
import {
  EventStreamFormatError,
  readEventStreamMessages,
  splitEventStreamFrames,
} from './read-bedrock-event-stream.js';

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size)
    yield bytes.subarray(start, start + size);
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const frames = [
  encodeEventFrame({ event: 'messageStart', payload: { role: 'assistant' } }),
  encodeEventFrame({
    event: 'contentBlockDelta',
    payload: { contentBlockIndex: 0, delta: { text: 'Grüße 👋' } },
  }),
  encodeEventFrame({ exception: 'throttlingException', payload: { message: 'slow down' } }),
];
const body = concatBytes(frames);

describe('reading the AWS event stream', () => {
  it.each([1, 3, 11, 64, body.length])(
    'reassembles frames cut into %i-byte pieces',
    async (size) => {
      expect(await all(readEventStreamMessages(pieces(body, size)))).toEqual([
        { messageType: 'event', type: 'messageStart', payload: '{"role":"assistant"}' },
        {
          messageType: 'event',
          type: 'contentBlockDelta',
          payload: '{"contentBlockIndex":0,"delta":{"text":"Grüße 👋"}}',
        },
        {
          messageType: 'exception',
          type: 'throttlingException',
          payload: '{"message":"slow down"}',
        },
      ]);
    },
  );

  it('rejects a declared length the format cannot have, before allocating it', async () => {
    const hostile = Uint8Array.from([0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0, 0, 0, 0, 0]);
    await expect(all(splitEventStreamFrames(pieces(hostile, 12)))).rejects.toBeInstanceOf(
      EventStreamFormatError,
    );
  });

  it('rejects a body that ends inside a frame', async () => {
    await expect(
      all(splitEventStreamFrames(pieces(body.subarray(0, body.length - 3), 8))),
    ).rejects.toThrow(/ended inside a frame/);
  });
});
