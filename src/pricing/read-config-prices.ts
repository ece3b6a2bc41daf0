import { z } from 'zod';
import type { ResolvedDeployment } from '../core/deployment.js';
import type { PriceField, PriceFields, PriceTier, TieredRate } from './price-fields.js';
import { usdPerTokenToFemtos } from './price-fields.js';

/**
 * LiteLLM's per-deployment price settings (USD per token), as `litellm_params` or `model_info`
 * entries: https://docs.litellm.ai/docs/proxy/custom_pricing
 */
const CONFIG_KEYS: Readonly<Record<string, PriceField>> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cacheRead',
  cache_creation_input_token_cost: 'cacheWrite',
  output_cost_per_reasoning_token: 'reasoning',
  input_cost_per_audio_token: 'inputAudio',
  output_cost_per_audio_token: 'outputAudio',
};

/** LiteLLM's long-context variants, e.g. `input_cost_per_token_above_200k_tokens`. */
const TIER_KEY = /^(.+)_above_(\d+)k_tokens$/;

const DECIMAL = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** YAML and environment substitution may leave a price as text: "0.0000025" or "2.5e-6". */
const priceSchema = z
  .union([z.number(), z.string().trim().regex(DECIMAL).transform(Number)])
  .pipe(z.number().nonnegative());

export interface ConfigPrices {
  readonly fields: PriceFields;
  /** Price settings whose value is not a non-negative number; ignored, for a warning. */
  readonly invalidKeys: readonly string[];
}

interface FieldDraft {
  base: number | undefined;
  tiers: PriceTier[];
}

/** Which field and which tier threshold a setting names, or undefined for a non-price key. */
function classify(key: string): { field: PriceField; above: number | undefined } | undefined {
  const field = CONFIG_KEYS[key];
  if (field !== undefined) return { field, above: undefined };
  const match = TIER_KEY.exec(key);
  const tierField = match?.[1] === undefined ? undefined : CONFIG_KEYS[match[1]];
  if (tierField === undefined || match?.[2] === undefined) return undefined;
  return { field: tierField, above: Number(match[2]) * 1000 };
}

/**
 * The prices a deployment's config sets. `litellm_params` wins over `model_info` key by key
 * (LiteLLM reads both); a field the config does not name is left to the price table.
 */
export function readConfigPrices(deployment: ResolvedDeployment): ConfigPrices {
  const settings = new Map<string, unknown>();
  for (const source of [deployment.modelInfo, deployment.params]) {
    for (const [key, value] of Object.entries(source)) {
      if (classify(key) !== undefined) settings.set(key, value);
    }
  }
  const drafts = new Map<PriceField, FieldDraft>();
  const invalidKeys: string[] = [];
  for (const [key, value] of settings) {
    const target = classify(key);
    if (target === undefined || value === undefined || value === null) continue;
    const parsed = priceSchema.safeParse(value);
    if (!parsed.success) {
      invalidKeys.push(key);
      continue;
    }
    const draft = drafts.get(target.field) ?? { base: undefined, tiers: [] };
    const rate = usdPerTokenToFemtos(parsed.data);
    if (target.above === undefined) draft.base = rate;
    else draft.tiers.push({ above: target.above, rate });
    drafts.set(target.field, draft);
  }
  const fields: PriceFields = {};
  for (const [field, draft] of drafts) {
    const tiered: TieredRate = {
      base: draft.base,
      tiers: draft.tiers.sort((a, b) => a.above - b.above),
    };
    fields[field] = tiered;
  }
  return { fields, invalidKeys };
}
