import type { DeploymentState } from '../deployment-state.js';
import type { DeploymentRates } from '../router-options.js';
import { pickLowest, type PickInput, type RoutingStrategy } from './routing-strategy.js';

/**
 * The cheapest healthy deployment for this request's estimated tokens, by the price table
 * (`rates`). A deployment whose price is unknown ranks last rather than looking free.
 */
export function createCostBased(tuning: {
  random: () => number;
  rates: DeploymentRates;
}): RoutingStrategy {
  const score = (state: DeploymentState, input: PickInput): number => {
    const rates = state.ratesFrom(tuning.rates);
    if (rates === undefined) return Number.POSITIVE_INFINITY;
    return (
      rates.inputNanosPerToken * input.promptTokens + rates.outputNanosPerToken * input.outputTokens
    );
  };
  const choice = { score, random: tuning.random };
  return { pick: (routing, input) => pickLowest(routing, input, choice) };
}
