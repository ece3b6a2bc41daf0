import { describe, expect, it } from 'vitest';
import { formatNanosAsUsd } from './format-usd.js';

describe('formatNanosAsUsd', () => {
  it('prints exact decimals without trailing zeros or exponents', () => {
    expect(formatNanosAsUsd(0)).toBe('0');
    expect(formatNanosAsUsd(1)).toBe('0.000000001');
    expect(formatNanosAsUsd(12_345)).toBe('0.000012345');
    expect(formatNanosAsUsd(22_000_000)).toBe('0.022');
    expect(formatNanosAsUsd(3_000_000_000)).toBe('3');
    expect(formatNanosAsUsd(1_234_567_890_123)).toBe('1234.567890123');
  });
});
