import type { PriceField, PriceFields, TieredRate } from './price-fields.js';
import { PRICE_FIELDS } from './price-fields.js';

/** Every field's price for one prompt-size range, in femto-USD per token, fallbacks applied. */
export type TokenRates = Readonly<Record<PriceField, number>>;

/** The rates that apply when the prompt has more than `above` tokens (and no later step does). */
export interface ScheduleStep {
  /** -1 for the base step, so that it applies to every prompt. */
  readonly above: number;
  readonly rates: TokenRates;
  /**
   * The highest input-side rate (input, cache read/write, audio) of this step and every step
   * below it: what an upper bound must charge per prompt token when the prompt may be anywhere up
   * to this step's range.
   */
  readonly maxInputRate: number;
  /** Likewise for the output side (output, reasoning, audio). */
  readonly maxOutputRate: number;
}

/** A deployment's prices, compiled once so that per-request costing only reads numbers. */
export interface PriceSchedule {
  /** Ascending by `above`; the first step has `above: -1`. */
  readonly steps: readonly ScheduleStep[];
}

/**
 * What a field costs when a source does not price it. Providers without a separate cache-write,
 * audio or reasoning price bill those tokens as ordinary input or output: OpenAI's and Gemini's
 * implicit cache writes cost the input price, and Gemini's thoughts and OpenAI's reasoning cost
 * the output price (https://ai.google.dev/gemini-api/docs/pricing,
 * https://platform.openai.com/docs/guides/reasoning).
 */
const FALLBACK: Readonly<Record<PriceField, PriceField | undefined>> = {
  input: undefined,
  cacheRead: 'input',
  cacheWrite: 'input',
  inputAudio: 'input',
  output: undefined,
  reasoning: 'output',
  outputAudio: 'output',
};

const INPUT_SIDE: readonly PriceField[] = ['input', 'cacheRead', 'cacheWrite', 'inputAudio'];
const OUTPUT_SIDE: readonly PriceField[] = ['output', 'reasoning', 'outputAudio'];

/** The field's own rate for prompts of more than `above` tokens, or undefined when unpriced. */
function ownRateAt(tiered: TieredRate | undefined, above: number): number | undefined {
  if (tiered === undefined) return undefined;
  let rate = tiered.base;
  for (const tier of tiered.tiers) {
    if (tier.above <= above) rate = tier.rate;
  }
  return rate;
}

function rateAt(fields: PriceFields, field: PriceField, above: number): number {
  const own = ownRateAt(fields[field], above);
  if (own !== undefined) return own;
  const fallback = FALLBACK[field];
  return fallback === undefined ? 0 : rateAt(fields, fallback, above);
}

function ratesAt(fields: PriceFields, above: number): TokenRates {
  return {
    input: rateAt(fields, 'input', above),
    cacheRead: rateAt(fields, 'cacheRead', above),
    cacheWrite: rateAt(fields, 'cacheWrite', above),
    inputAudio: rateAt(fields, 'inputAudio', above),
    output: rateAt(fields, 'output', above),
    reasoning: rateAt(fields, 'reasoning', above),
    outputAudio: rateAt(fields, 'outputAudio', above),
  };
}

function maxOf(rates: TokenRates, side: readonly PriceField[]): number {
  let max = 0;
  for (const field of side) max = Math.max(max, rates[field]);
  return max;
}

/**
 * Turns per-field prices (each with its own tiers) into steps over the prompt size: one step per
 * distinct tier threshold, each with every field's rate in that range, so costing a request is one
 * step lookup and seven multiplications.
 */
export function compilePriceSchedule(fields: PriceFields): PriceSchedule {
  const thresholds = new Set<number>();
  for (const field of PRICE_FIELDS) {
    for (const tier of fields[field]?.tiers ?? []) thresholds.add(tier.above);
  }
  const aboves = [-1, ...[...thresholds].filter((above) => above >= 0).sort((a, b) => a - b)];
  const steps: ScheduleStep[] = [];
  let maxInputRate = 0;
  let maxOutputRate = 0;
  for (const above of aboves) {
    const rates = ratesAt(fields, above);
    maxInputRate = Math.max(maxInputRate, maxOf(rates, INPUT_SIDE));
    maxOutputRate = Math.max(maxOutputRate, maxOf(rates, OUTPUT_SIDE));
    steps.push({ above, rates, maxInputRate, maxOutputRate });
  }
  return { steps };
}

/** The step that prices a prompt of `promptTokens` tokens (tiers apply strictly above). */
export function stepFor(schedule: PriceSchedule, promptTokens: number): ScheduleStep {
  const steps = schedule.steps;
  for (let index = steps.length - 1; index > 0; index--) {
    const step = steps[index];
    if (step !== undefined && promptTokens > step.above) return step;
  }
  // compilePriceSchedule always emits the base step first.
  return steps[0] as ScheduleStep;
}
