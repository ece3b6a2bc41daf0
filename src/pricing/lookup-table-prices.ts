import { calcPrice } from '@pydantic/genai-prices';
import type { ModelInfo, ModelPrice, PriceOptions } from '@pydantic/genai-prices';
import { z } from 'zod';
import type { PriceField, PriceFields, TieredRate } from './price-fields.js';
import { usdPerMillionToFemtos } from './price-fields.js';

/**
 * The bundled price table of `@pydantic/genai-prices`. Only its bundled data is ever read: the
 * package fetches newer data only when `updatePrices` is called, which Tollgate never does, so
 * prices never change at run time and nothing goes over the network.
 */

/** The table's price keys (USD per million tokens) that Tollgate's usage can be billed against. */
const TABLE_KEYS: Readonly<Record<string, PriceField>> = {
  input_mtok: 'input',
  cache_read_mtok: 'cacheRead',
  cache_write_mtok: 'cacheWrite',
  input_audio_mtok: 'inputAudio',
  output_mtok: 'output',
  output_reasoning_mtok: 'reasoning',
  output_audio_mtok: 'outputAudio',
};

/** A flat price, or the table's long-context tiers (a tier applies when input tokens > start). */
const tablePriceSchema = z.union([
  z.number().nonnegative(),
  z.object({
    base: z.number().nonnegative(),
    tiers: z.array(
      z.object({ start: z.number().int().nonnegative(), price: z.number().nonnegative() }),
    ),
  }),
]);

/** Model ids are matched with the table's patterns (some regexes): keep absurd input out. */
const MAX_MODEL_ID_LENGTH = 256;

export interface TableLookup {
  readonly tableProvider: string;
  readonly model: string;
  readonly apiBase: string | undefined;
  /** Picks among dated price changes; the deployment keeps these prices until restart. */
  readonly now: Date;
}

export type TablePrices =
  | { readonly found: true; readonly fields: PriceFields; readonly matched: string }
  | { readonly found: false; readonly reason: string };

/**
 * The price set in force at `now`. Start-date constraints follow the table (the latest change
 * already in force wins). Time-of-day windows (DeepSeek's peak and off-peak hours) cannot be
 * honoured by prices resolved once per deployment, so a window's prices are taken whenever the
 * model has one: these are the peak prices in the table today, and a cost that errs high never
 * lets a budget be overspent.
 */
function pricesInForce(model: ModelInfo, now: Date): ModelPrice | undefined {
  if (!Array.isArray(model.prices)) return model.prices;
  for (let index = model.prices.length - 1; index >= 0; index--) {
    const entry = model.prices[index];
    const constraint = entry?.constraint;
    if (entry === undefined) continue;
    if (constraint === undefined || constraint.type === 'time_of_date') return entry.prices;
    if (now.getTime() >= Date.parse(constraint.start_date)) return entry.prices;
  }
  return model.prices[0]?.prices;
}

function toTieredRate(value: unknown): TieredRate | undefined {
  const parsed = tablePriceSchema.safeParse(value);
  if (!parsed.success) return undefined;
  if (typeof parsed.data === 'number') {
    return { base: usdPerMillionToFemtos(parsed.data), tiers: [] };
  }
  return {
    base: usdPerMillionToFemtos(parsed.data.base),
    tiers: parsed.data.tiers
      .map((tier) => ({ above: tier.start, rate: usdPerMillionToFemtos(tier.price) }))
      .sort((a, b) => a.above - b.above),
  };
}

function toPriceFields(prices: ModelPrice): PriceFields {
  const fields: PriceFields = {};
  for (const [key, field] of Object.entries(TABLE_KEYS)) {
    const tiered = toTieredRate(prices[key]);
    if (tiered !== undefined) fields[field] = tiered;
  }
  return fields;
}

interface TableMatch {
  readonly provider: string;
  readonly model: ModelInfo;
}

function findModel(lookup: TableLookup, options: PriceOptions): TableMatch | undefined {
  // Empty usage: only the matched model is wanted; Tollgate computes costs itself, in nano-USD.
  const result = calcPrice({}, lookup.model, { ...options, timestamp: lookup.now });
  return result === null ? undefined : { provider: result.provider.id, model: result.model };
}

/**
 * Looks a model up in the bundled table, once per deployment (matching walks every pattern of
 * the provider). An `openai/` deployment with its own `api_base` is first matched by URL, so that
 * OpenAI-compatible vendors get their own prices.
 */
export function lookupTablePrices(lookup: TableLookup): TablePrices {
  if (lookup.model === '' || lookup.model.length > MAX_MODEL_ID_LENGTH) {
    return { found: false, reason: 'model id empty or too long' };
  }
  let match: TableMatch | undefined;
  try {
    match =
      (lookup.apiBase === undefined
        ? undefined
        : findModel(lookup, { providerApiUrl: lookup.apiBase })) ??
      findModel(lookup, { providerId: lookup.tableProvider });
  } catch (error) {
    // The table validates its own data while pricing; a bad entry must not take a request down.
    return { found: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (match === undefined) return { found: false, reason: 'not in the price table' };
  const prices = pricesInForce(match.model, lookup.now);
  if (prices === undefined) return { found: false, reason: 'no prices in the price table' };
  const fields = toPriceFields(prices);
  const matched = `${match.provider}/${match.model.id}`;
  const priced = Object.keys(prices).filter((key) => prices[key] !== undefined);
  // An entry without prices is a free model (OpenRouter's `:free` variants, free Gemma tiers);
  // one priced only by other units (audio hours, messages) cannot be billed from token usage.
  if (priced.length > 0 && fields.input === undefined && fields.output === undefined) {
    return { found: false, reason: `priced by ${priced.join(', ')}, not per token` };
  }
  return { found: true, fields, matched };
}
