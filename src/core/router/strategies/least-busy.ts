import type { DeploymentState } from '../deployment-state.js';
import { pickLowest, type PickInput, type RoutingStrategy } from './routing-strategy.js';

const inFlight = (state: DeploymentState): number => state.inFlight;

/** The deployment with the fewest attempts in flight (a stream counts until it ends). */
export function createLeastBusy(random: () => number): RoutingStrategy {
  const choice = { score: inFlight, random };
  return { pick: (routing, input: PickInput) => pickLowest(routing, input, choice) };
}
