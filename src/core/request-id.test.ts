import { describe, expect, it } from 'vitest';
import { newRequestId } from './request-id.js';

describe('newRequestId', () => {
  it('is a UUIDv7 carrying the millisecond it was made in', () => {
    const at = Date.UTC(2026, 10, 24, 12, 0, 0, 123);
    const id = newRequestId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by time across milliseconds, so spend rows append to the primary-key index', () => {
    const start = Date.now();
    const ids = Array.from({ length: 2_000 }, (_, index) => newRequestId(start + index));
    expect([...ids].sort()).toEqual(ids);
  });

  it('sorts in the order ids were made within one millisecond too', () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 1_000 }, () => newRequestId(at));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats, also within one millisecond and across refills of the random pool', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 5_000 }, () => newRequestId(at)));
    expect(ids.size).toBe(5_000);
    const randomParts = new Set([...ids].map((id) => id.slice(15)));
    expect(randomParts.size).toBe(5_000);
  });
});
