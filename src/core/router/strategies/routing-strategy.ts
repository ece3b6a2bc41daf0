import type { DeploymentState } from '../deployment-state.js';
import type { GroupRouting } from '../group-routing.js';

/**
 * What a strategy may consider about the request being routed. One mutable instance per router,
 * refilled before each (synchronous) selection, so picking allocates nothing.
 */
export class PickInput {
  /** Wall-clock ms. */
  now = 0;
  streaming = false;
  /** Estimated prompt tokens. */
  promptTokens = 0;
  /** The output cap, or an assumed typical answer length when the request sets none. */
  outputTokens = 0;
}

/**
 * A routing strategy picks one of the deployments marked in `routing.eligible` (healthy, within
 * the context window, not yet refused for capacity) and returns its index, or -1 when none is
 * marked. Strategies never see provider names, only deployment states.
 */
export interface RoutingStrategy {
  pick(routing: GroupRouting, input: PickInput): number;
}

/** Scores a deployment; lower is better. */
export type Score = (state: DeploymentState, input: PickInput) => number;

/** A uniformly random eligible deployment, or -1. */
export function pickRandom(routing: GroupRouting, random: () => number): number {
  const { eligible } = routing;
  let count = 0;
  for (let index = 0; index < eligible.length; index += 1) count += eligible[index]!;
  if (count === 0) return -1;
  let target = Math.floor(random() * count);
  for (let index = 0; index < eligible.length; index += 1) {
    if (eligible[index] === 0) continue;
    if (target === 0) return index;
    target -= 1;
  }
  return -1;
}

/**
 * The eligible deployment with the lowest score, ties broken uniformly at random (reservoir
 * sampling), so that equal deployments share the traffic instead of the first one taking it all.
 */
export function pickLowest(
  routing: GroupRouting,
  input: PickInput,
  choice: { score: Score; random: () => number },
): number {
  const { eligible, states } = routing;
  let best = -1;
  let bestScore = Number.POSITIVE_INFINITY;
  let ties = 0;
  for (let index = 0; index < eligible.length; index += 1) {
    if (eligible[index] === 0) continue;
    const score = choice.score(states[index]!, input);
    if (best === -1 || score < bestScore) {
      best = index;
      bestScore = score;
      ties = 1;
    } else if (score === bestScore) {
      ties += 1;
      if (choice.random() * ties < 1) best = index;
    }
  }
  return best;
}
