import { describe, expect, it } from 'vitest';
import { readNdjsonLines } from './read-ndjson-lines.js';

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size)
    yield bytes.subarray(start, start + size);
}

async function lines(body: string, size: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readNdjsonLines(pieces(new TextEncoder().encode(body), size)))
    out.push(line);
  return out;
}

describe('readNdjsonLines', () => {
  const body = '{"a":"Grüße 👋"}\n\r\n{"b":2}\r\n\n{"c":3}';

  it.each([1, 2, 5, 64])(
    'yields whole lines from %i-byte pieces, multi-byte characters intact',
    async (size) => {
      expect(await lines(body, size)).toEqual(['{"a":"Grüße 👋"}', '{"b":2}', '{"c":3}']);
    },
  );
});
