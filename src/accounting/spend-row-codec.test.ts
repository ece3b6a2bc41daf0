import { describe, expect, it } from 'vitest';
import type { SpendRow } from './spend-row.js';
import { decodeSpendRows, SpendRowEncoder } from './spend-row-codec.js';

function row(index: number, text: string): SpendRow {
  return [
    `0190a1b2-c3d4-7e5f-8a9b-${String(index).padStart(12, '0')}`,
    index % 2 === 0 ? 'key_1' : null,
    null,
    'chat',
    text,
    'served',
    'dep-1',
    'openai',
    JSON.stringify([{ deploymentId: 'dep-1', latencyMs: 1.5 }]),
    index,
    2 ** 40 + index,
    0,
    0,
    0,
    1,
    9_007_199_254_740_991,
    0,
    12.345,
    null,
    'hit',
    0,
    'success',
    200,
    null,
    null,
    1_795_560_000_000 + index,
    1_795_560_000_123 + index,
    null,
    '{"tag":"é ✓ 🚀"}',
  ];
}

describe('spend row batches', () => {
  it('decode to exactly the rows encoded: nulls, integers, floats, non-ASCII text', () => {
    const encoder = new SpendRowEncoder();
    const rows = [row(0, 'gpt-4o'), row(1, 'モデル 🚀'), row(2, '')];
    for (const value of rows) encoder.append(value);
    expect(encoder.rows).toBe(3);
    const batch = encoder.take();
    expect(batch.rows).toBe(3);
    expect(decodeSpendRows(batch)).toEqual(rows);
    expect(encoder.rows).toBe(0);
    expect(decodeSpendRows(encoder.take())).toEqual([]);
  });

  it('grow past the initial buffer and start each batch in a buffer of its own', () => {
    const encoder = new SpendRowEncoder();
    const long = 'x'.repeat(50_000);
    const first = Array.from({ length: 20 }, (_, index) => row(index, long));
    for (const value of first) encoder.append(value);
    const firstBatch = encoder.take();
    encoder.append(row(99, 'after'));
    const secondBatch = encoder.take();
    expect(firstBatch.bytes.buffer).not.toBe(secondBatch.bytes.buffer);
    expect(decodeSpendRows(firstBatch)).toEqual(first);
    expect(decodeSpendRows(secondBatch)).toEqual([row(99, 'after')]);
  });

  it('refuse a corrupt batch rather than write wrong rows', () => {
    const encoder = new SpendRowEncoder();
    encoder.append(row(0, 'm'));
    const { bytes } = encoder.take();
    expect(() => decodeSpendRows({ bytes, rows: 2 })).toThrow(/Corrupt/);
    expect(() =>
      decodeSpendRows({ bytes: bytes.subarray(0, bytes.length - 3), rows: 1 }),
    ).toThrow();
  });
});
