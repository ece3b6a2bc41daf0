import { describe, expect, it } from 'vitest';
import type { Usage } from '../core/usage.js';
import { compilePriceSchedule, stepFor } from './compile-price-schedule.js';
import { costNanos, maxCostNanos } from './compute-cost.js';
import type { PriceFields, TieredRate } from './price-fields.js';
import { usdPerMillionToFemtos } from './price-fields.js';

/** A flat price in USD per million tokens. */
function flat(usdPerMillion: number): TieredRate {
  return { base: usdPerMillionToFemtos(usdPerMillion), tiers: [] };
}

function tiered(usdPerMillion: number, above: number, tierUsdPerMillion: number): TieredRate {
  return {
    base: usdPerMillionToFemtos(usdPerMillion),
    tiers: [{ above, rate: usdPerMillionToFemtos(tierUsdPerMillion) }],
  };
}

function usage(prompt: number, completion: number, details: Partial<Usage> = {}): Usage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...details,
  };
}

describe('costNanos', () => {
  it('rounds the exact cost half up to the nearest nano-USD, once', () => {
    // $0.01875/M is 18.75 nano-USD a token: fractions add up exactly before the single rounding.
    const schedule = compilePriceSchedule({ input: flat(0.075), cacheRead: flat(0.01875) });
    // 2 × 75 + 3 × 18.75 = 206.25 → 206
    expect(costNanos(schedule, usage(5, 0, { prompt_tokens_details: { cached_tokens: 3 } }))).toBe(
      206,
    );
    // 3 × 75 + 2 × 18.75 = 262.5 → 263
    expect(costNanos(schedule, usage(5, 0, { prompt_tokens_details: { cached_tokens: 2 } }))).toBe(
      263,
    );
    // 1 × 18.75 = 18.75 → 19
    expect(costNanos(schedule, usage(1, 0, { prompt_tokens_details: { cached_tokens: 1 } }))).toBe(
      19,
    );
  });

  it('stays exact for large counts with fractional rates', () => {
    const schedule = compilePriceSchedule({ input: flat(0.01875), output: flat(0.0375) });
    // 9_999_999 × 18.75 + 3_333_333 × 37.5 = 187_499_981.25 + 124_999_987.5 = 312_499_968.75
    expect(costNanos(schedule, usage(9_999_999, 3_333_333))).toBe(312_499_969);
  });

  it('prices each part of the usage at its own rate', () => {
    const schedule = compilePriceSchedule({
      input: flat(3),
      cacheRead: flat(0.3),
      cacheWrite: flat(3.75),
      inputAudio: flat(40),
      output: flat(15),
      reasoning: flat(20),
      outputAudio: flat(80),
    });
    const cost = costNanos(
      schedule,
      usage(1_000, 100, {
        prompt_tokens_details: {
          cached_tokens: 400,
          cache_creation_tokens: 300,
          audio_tokens: 200,
        },
        completion_tokens_details: { reasoning_tokens: 50, audio_tokens: 30 },
      }),
    );
    // input 100 × 3000 + read 400 × 300 + write 300 × 3750 + audio 200 × 40_000
    // + output 20 × 15_000 + reasoning 50 × 20_000 + audio 30 × 80_000 (nano-USD)
    expect(cost).toBe(300_000 + 120_000 + 1_125_000 + 8_000_000 + 300_000 + 1_000_000 + 2_400_000);
  });

  it('falls back to the input and output prices for unpriced kinds', () => {
    const schedule = compilePriceSchedule({ input: flat(2), output: flat(8) });
    const cost = costNanos(
      schedule,
      usage(1_000, 100, {
        prompt_tokens_details: { cached_tokens: 400, cache_creation_tokens: 300 },
        completion_tokens_details: { reasoning_tokens: 50 },
      }),
    );
    expect(cost).toBe(1_000 * 2_000 + 100 * 8_000);
  });

  it('applies a tier only strictly above its threshold, to every token of the request', () => {
    const schedule = compilePriceSchedule({
      input: tiered(1.25, 200_000, 2.5),
      output: tiered(10, 200_000, 15),
    });
    expect(costNanos(schedule, usage(200_000, 1_000))).toBe(200_000 * 1_250 + 1_000 * 10_000);
    expect(costNanos(schedule, usage(200_001, 1_000))).toBe(200_001 * 2_500 + 1_000 * 15_000);
  });

  it('clamps details that exceed their totals instead of charging more than the bound', () => {
    const schedule = compilePriceSchedule({ input: flat(1), cacheWrite: flat(2), output: flat(4) });
    const cost = costNanos(
      schedule,
      usage(100, 10, {
        prompt_tokens_details: { cached_tokens: 60, cache_creation_tokens: 60 },
        completion_tokens_details: { reasoning_tokens: 99 },
      }),
    );
    // 60 read at the input price, only 40 writes left, 10 reasoning at the output price
    expect(cost).toBe(60 * 1_000 + 40 * 2_000 + 10 * 4_000);
  });

  it('costs 0 with no prices', () => {
    const schedule = compilePriceSchedule({});
    expect(costNanos(schedule, usage(1_000, 1_000))).toBe(0);
    expect(maxCostNanos(schedule, { promptBytes: 1_000, maxOutputTokens: 1_000 })).toBe(0);
  });
});

describe('compilePriceSchedule', () => {
  it('merges every field’s thresholds into steps, with fallbacks per step', () => {
    const fields: PriceFields = {
      input: tiered(1, 128_000, 2),
      output: tiered(4, 200_000, 6),
    };
    const schedule = compilePriceSchedule(fields);
    expect(schedule.steps.map((step) => step.above)).toEqual([-1, 128_000, 200_000]);
    expect(stepFor(schedule, 150_000).rates).toMatchObject({
      input: 2_000_000_000,
      cacheRead: 2_000_000_000,
      output: 4_000_000_000,
      reasoning: 4_000_000_000,
    });
    expect(stepFor(schedule, 250_000).rates.output).toBe(6_000_000_000);
  });
});

describe('maxCostNanos', () => {
  const schedule = compilePriceSchedule({
    input: tiered(3, 200_000, 6),
    cacheRead: tiered(0.3, 200_000, 0.6),
    cacheWrite: tiered(3.75, 200_000, 7.5),
    output: tiered(15, 200_000, 22.5),
  });

  it('charges prompt bytes at the highest input-side rate the prompt can reach', () => {
    // A 1,000-byte prompt cannot reach the 200k tier: 1_000 × $3.75/M + 100 × $15/M.
    expect(maxCostNanos(schedule, { promptBytes: 1_000, maxOutputTokens: 100 })).toBe(
      1_000 * 3_750 + 100 * 15_000,
    );
    expect(maxCostNanos(schedule, { promptBytes: 300_000, maxOutputTokens: 1_000 })).toBe(
      300_000 * 7_500 + 1_000 * 22_500,
    );
  });

  it('rounds up', () => {
    const fractional = compilePriceSchedule({ input: flat(0.01875) });
    expect(maxCostNanos(fractional, { promptBytes: 1, maxOutputTokens: 0 })).toBe(19);
    expect(maxCostNanos(fractional, { promptBytes: 5, maxOutputTokens: 0 })).toBe(94);
  });
});
