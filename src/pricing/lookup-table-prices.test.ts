import { describe, expect, it } from 'vitest';
import { lookupTablePrices } from './lookup-table-prices.js';

const NOW = new Date('2026-01-01T12:00:00Z');

/** $/M → femto-USD per token, written out so the test does not share the code's conversion. */
const usdPerMillion = (usd: number): number => usd * 1e9;

describe('lookupTablePrices', () => {
  it('returns the table’s tiers as femto-USD per token', () => {
    const prices = lookupTablePrices({
      tableProvider: 'google',
      model: 'gemini-2.5-pro',
      apiBase: undefined,
      now: NOW,
    });
    expect(prices).toMatchObject({ found: true, matched: 'google/gemini-2.5-pro' });
    expect(prices.found && prices.fields.input).toEqual({
      base: usdPerMillion(1.25),
      tiers: [{ above: 200_000, rate: usdPerMillion(2.5) }],
    });
  });

  it('takes the dated price change in force at lookup time (o3 became cheaper on 2025-06-10)', () => {
    const lookup = { tableProvider: 'openai', model: 'o3', apiBase: undefined };
    const before = lookupTablePrices({ ...lookup, now: new Date('2025-06-01T00:00:00Z') });
    const after = lookupTablePrices({ ...lookup, now: new Date('2025-06-11T00:00:00Z') });
    expect(before.found && before.fields.input?.base).toBe(usdPerMillion(10));
    expect(after.found && after.fields.input?.base).toBe(usdPerMillion(2));
  });

  it('prices time-of-day windows at the window’s (peak) price, whatever the hour', () => {
    // DeepSeek via an openai/ deployment: the api_base identifies the vendor.
    for (const hour of ['03', '20']) {
      const prices = lookupTablePrices({
        tableProvider: 'openai',
        model: 'deepseek-chat',
        apiBase: 'https://api.deepseek.com',
        now: new Date(`2026-01-01T${hour}:00:00Z`),
      });
      expect(prices).toMatchObject({ found: true, matched: 'deepseek/deepseek-chat' });
      expect(prices.found && prices.fields.input?.base).toBe(usdPerMillion(0.27));
    }
  });

  it('treats an entry without prices as free, and one priced by other units as unknown', () => {
    const free = lookupTablePrices({
      tableProvider: 'openrouter',
      model: 'qwen/qwen3-coder:free',
      apiBase: undefined,
      now: NOW,
    });
    expect(free).toEqual({ found: true, fields: {}, matched: 'openrouter/qwen/qwen3-coder:free' });
    const audio = lookupTablePrices({
      tableProvider: 'openai',
      model: 'whisper-1',
      apiBase: undefined,
      now: NOW,
    });
    expect(audio).toMatchObject({ found: false });
  });

  it('falls back to the prefix’s provider when the api_base is not a known vendor', () => {
    const prices = lookupTablePrices({
      tableProvider: 'openai',
      model: 'gpt-4.1',
      apiBase: 'http://localhost:8000/v1',
      now: NOW,
    });
    expect(prices).toMatchObject({ found: true, matched: 'openai/gpt-4.1' });
  });
});
