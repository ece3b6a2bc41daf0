/**
 * Prices are kept as integer femto-USD (1e-15 USD) per token. Table prices are USD per million
 * tokens with up to 9 decimals (e.g. Gemini 1.5 Flash's cached input, $0.01875/M, is 18.75
 * nano-USD a token), and config prices are USD per token (LiteLLM's `input_cost_per_token`, up
 * to 15 decimals): both become exact integers in femto-USD, so costs are summed without
 * floating-point drift and rounded once, to nano-USD, at the very end.
 */
export const FEMTOS_PER_NANO = 1_000_000;

/** The kinds of token a provider may price differently. */
export type PriceField =
  'input' | 'cacheRead' | 'cacheWrite' | 'inputAudio' | 'output' | 'reasoning' | 'outputAudio';

export const PRICE_FIELDS: readonly PriceField[] = [
  'input',
  'cacheRead',
  'cacheWrite',
  'inputAudio',
  'output',
  'reasoning',
  'outputAudio',
];

/** A price step: applies when the request's prompt has more than `above` tokens. */
export interface PriceTier {
  readonly above: number;
  /** femto-USD per token. */
  readonly rate: number;
}

/**
 * One field's price: `base` below every tier, and long-context tiers chosen by the prompt size
 * (Gemini 2.5 Pro and Claude Sonnet 4.5 charge every token of a >200k-token prompt more).
 */
export interface TieredRate {
  /** femto-USD per token; undefined when only tiers are known (a config that sets just those). */
  readonly base: number | undefined;
  /** Sorted by `above`, ascending. */
  readonly tiers: readonly PriceTier[];
}

/** What a source (the table or the config) says about each field; missing = not said. */
export type PriceFields = Partial<Record<PriceField, TieredRate>>;

/** USD per million tokens → femto-USD per token. Rounds away float noise (0.01875 * 1e9). */
export function usdPerMillionToFemtos(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1e9);
}

/** USD per token → femto-USD per token. */
export function usdPerTokenToFemtos(usdPerToken: number): number {
  return Math.round(usdPerToken * 1e15);
}
