import type { Usage } from '../core/usage.js';
import type { PriceSchedule } from './compile-price-schedule.js';
import { compilePriceSchedule } from './compile-price-schedule.js';
import { costNanos, maxCostNanos } from './compute-cost.js';
import type { PriceFields } from './price-fields.js';
import type { DeploymentPricing } from './pricing.js';

/** Where a deployment's prices came from, for logs and the deployments query. */
export type PriceSource =
  /** Every price from the config. */
  | 'config'
  /** From the bundled `@pydantic/genai-prices` table. */
  | 'genai-prices'
  /** Some fields from the config, the rest from the table. */
  | 'config+genai-prices'
  /** A local or fake provider (Ollama, mock): free. */
  | 'free'
  /** Nobody knows the model: it costs 0 and a warning was logged. */
  | 'unknown';

export interface PricingInit {
  readonly source: PriceSource;
  readonly fields: PriceFields;
  /** The table's provider/model id the prices came from, when they came from the table. */
  readonly matched?: string | undefined;
}

/** A deployment's compiled prices; `costNanos` and `maxCostNanos` only read numbers. */
export class ScheduledPricing implements DeploymentPricing {
  readonly known: boolean;
  readonly source: PriceSource;
  readonly matched: string | undefined;
  private readonly schedule: PriceSchedule;

  constructor(init: PricingInit) {
    this.source = init.source;
    this.known = init.source !== 'unknown';
    this.matched = init.matched;
    this.schedule = compilePriceSchedule(init.fields);
  }

  costNanos(usage: Usage): number {
    return costNanos(this.schedule, usage);
  }

  maxCostNanos(bound: { promptBytes: number; maxOutputTokens: number }): number {
    return maxCostNanos(this.schedule, bound);
  }
}
