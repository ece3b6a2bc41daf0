import type { PriceFields, TieredRate } from './price-fields.js';
import { PRICE_FIELDS } from './price-fields.js';

function mergeField(
  table: TieredRate | undefined,
  config: TieredRate | undefined,
): TieredRate | undefined {
  if (config === undefined) return table;
  // A config that sets a field's price owns that field: a negotiated flat rate must not inherit
  // the list price's long-context tiers. A config that sets only tiers keeps the table's base.
  if (config.base !== undefined) return config;
  return { base: table?.base, tiers: config.tiers };
}

/** Config prices win over the table's, field by field (input, output, cache read...). */
export function mergePriceFields(table: PriceFields, config: PriceFields): PriceFields {
  const merged: PriceFields = {};
  for (const field of PRICE_FIELDS) {
    const rate = mergeField(table[field], config[field]);
    if (rate !== undefined) merged[field] = rate;
  }
  return merged;
}
