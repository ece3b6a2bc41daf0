export type { DeploymentPricing, PriceBook } from './pricing.js';
export { NANOS_PER_USD, nanosToUsd } from './pricing.js';
export type { PriceBookOptions } from './create-price-book.js';
export { createPriceBook } from './create-price-book.js';
export type { PriceSource } from './scheduled-pricing.js';
export { formatNanosAsUsd } from './format-usd.js';
