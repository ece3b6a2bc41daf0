import type { ResolvedDeployment } from '../core/deployment.js';
import type { Usage } from '../core/usage.js';

/**
 * Prices for one deployment, resolved once (price table + config overrides) and reused for every
 * request it serves. Money is integer nano-USD (1 USD = 1_000_000_000) so sums are exact.
 */
export interface DeploymentPricing {
  /** False when neither the price table nor the config knows the model (it then costs 0). */
  readonly known: boolean;
  /** Where the prices came from, for logs and the deployments query: `config`, `genai-prices`... */
  readonly source: string;
  /** The exact cost of a request's usage, in nano-USD (cached and reasoning tokens priced as the provider prices them). */
  costNanos(usage: Usage): number;
  /**
   * An upper bound of a request's cost before it runs, in nano-USD: `promptBytes` (UTF-8 bytes
   * of the prompt, a safe upper bound of its tokens for byte-level tokenizers) at the highest
   * input price, `maxOutputTokens` at the highest output price. Cheap: no tokenization.
   */
  maxCostNanos(bound: { promptBytes: number; maxOutputTokens: number }): number;
}

/** Resolves pricing per deployment; implementations memoise by deployment id. */
export interface PriceBook {
  pricingFor(deployment: ResolvedDeployment): DeploymentPricing;
}

export const NANOS_PER_USD = 1_000_000_000;

/** nano-USD → USD, for headers and APIs. */
export function nanosToUsd(nanos: number): number {
  return nanos / NANOS_PER_USD;
}
