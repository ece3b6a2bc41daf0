import type { ModelGroup } from '../model-catalog.js';
import type { DeploymentHealth } from './deployment-health.js';
import type { DeploymentState } from './deployment-state.js';

/**
 * simple-shuffle weights, LiteLLM's order of preference: `weight` when any deployment sets one,
 * else `rpm`, else `tpm`, else equal. A deployment without the chosen attribute gets the weight
 * 1, or for rpm/tpm the group's largest value (no limit is at least as much capacity as the
 * largest limit).
 */
export function shuffleWeights(states: readonly DeploymentState[]): Float64Array {
  const weights = new Float64Array(states.length);
  const pick = (read: (state: DeploymentState) => number | undefined, missing: number): void => {
    states.forEach((state, index) => (weights[index] = read(state) ?? missing));
  };
  const largest = (read: (state: DeploymentState) => number | undefined): number =>
    Math.max(...states.map((state) => read(state) ?? 0));
  if (states.some((state) => state.weight !== undefined)) pick((state) => state.weight, 1);
  else if (states.some((state) => state.rpm !== undefined)) {
    pick(
      (state) => state.rpm,
      largest((state) => state.rpm),
    );
  } else if (states.some((state) => state.tpm !== undefined)) {
    pick(
      (state) => state.tpm,
      largest((state) => state.tpm),
    );
  } else weights.fill(1);
  return weights;
}

/**
 * A model group as the router sees it: its deployments' states in the group's order, the
 * shuffle weights, and a scratch array of eligibility flags. Built once per group. Selection is
 * synchronous, so concurrent requests can share the scratch array without allocating their own.
 */
export class GroupRouting {
  readonly group: ModelGroup;
  readonly states: readonly DeploymentState[];
  readonly weights: Float64Array;
  /** 1 where the deployment may be picked by the selection in progress. */
  readonly eligible: Uint8Array;

  constructor(group: ModelGroup, health: DeploymentHealth) {
    this.group = group;
    this.states = group.deployments.map((handle) => health.stateOf(handle.deployment));
    this.weights = shuffleWeights(this.states);
    this.eligible = new Uint8Array(this.states.length);
  }
}
