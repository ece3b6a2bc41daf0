import { NANOS_PER_USD } from './pricing.js';

/**
 * Integer nano-USD as an exact decimal USD string for headers (`x-tollgate-cost: 0.000012345`):
 * `nanos / 1e9` printed as a float can show `1.2345e-5` or binary noise, which clients then parse
 * back into a different number. Trailing zeros are dropped; 0 prints as `0`.
 */
export function formatNanosAsUsd(nanos: number): string {
  const magnitude = Math.abs(Math.round(nanos));
  const sign = nanos < 0 && magnitude > 0 ? '-' : '';
  const dollars = Math.floor(magnitude / NANOS_PER_USD);
  const fraction = String(magnitude % NANOS_PER_USD)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return fraction === '' ? `${sign}${dollars}` : `${sign}${dollars}.${fraction}`;
}
