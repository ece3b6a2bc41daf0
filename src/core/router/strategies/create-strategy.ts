import type { DeploymentRates, RoutingStrategyName } from '../router-options.js';
import { createCostBased } from './cost-based.js';
import { createLatencyBased } from './latency-based.js';
import { createLeastBusy } from './least-busy.js';
import type { RoutingStrategy } from './routing-strategy.js';
import { createSimpleShuffle } from './simple-shuffle.js';
import { createUsageBased } from './usage-based.js';

/** Every deployment costs the same when no price table is given. */
const NO_PRICES: DeploymentRates = () => undefined;

/** The strategy for `routing_strategy`. */
export function createStrategy(
  name: RoutingStrategyName,
  tuning: { random: () => number; explorationRate: number; rates: DeploymentRates | undefined },
): RoutingStrategy {
  switch (name) {
    case 'simple-shuffle':
      return createSimpleShuffle(tuning.random);
    case 'least-busy':
      return createLeastBusy(tuning.random);
    case 'latency-based-routing':
      return createLatencyBased(tuning);
    case 'usage-based-routing':
      return createUsageBased(tuning.random);
    case 'cost-based-routing':
      return createCostBased({ random: tuning.random, rates: tuning.rates ?? NO_PRICES });
  }
}
