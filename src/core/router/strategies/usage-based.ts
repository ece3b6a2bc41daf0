import type { DeploymentState } from '../deployment-state.js';
import { pickLowest, type PickInput, type RoutingStrategy } from './routing-strategy.js';

/**
 * Share of this minute's rpm/tpm still free, for the tightest of the two (1 without limits);
 * scored so that more headroom wins and, between equals, fewer tokens used this minute.
 * Headroom is whole-number steps of 1/1000 so that the token tie-break stays below one step.
 */
function usageScore(state: DeploymentState, input: PickInput): number {
  const tokens = state.tokensAt(input.now);
  let headroom = 1;
  if (state.rpm !== undefined) {
    headroom = Math.min(headroom, 1 - state.requestsAt(input.now) / state.rpm);
  }
  if (state.tpm !== undefined) headroom = Math.min(headroom, 1 - tokens / state.tpm);
  const steps = Math.round(Math.max(0, headroom) * 1000);
  return 1000 - steps + tokens / (tokens + 1_000_000);
}

/** LiteLLM's usage-based routing: the deployment with the most rpm/tpm headroom this minute. */
export function createUsageBased(random: () => number): RoutingStrategy {
  const choice = { score: usageScore, random };
  return { pick: (routing, input) => pickLowest(routing, input, choice) };
}
