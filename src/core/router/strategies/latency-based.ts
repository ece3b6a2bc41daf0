import type { DeploymentState } from '../deployment-state.js';
import {
  pickLowest,
  pickRandom,
  type PickInput,
  type RoutingStrategy,
} from './routing-strategy.js';

/**
 * Streams are ranked by time to first chunk (what their users wait for), other requests by
 * latency; each falls back on the other average. A deployment never measured scores 0, so it is
 * tried early and gets a measurement.
 */
function latencyScore(state: DeploymentState, input: PickInput): number {
  const primary = input.streaming ? state.ttftMs : state.latencyMs;
  const secondary = input.streaming ? state.latencyMs : state.ttftMs;
  return primary ?? secondary ?? 0;
}

/**
 * The deployment with the lowest moving-average latency. A small share of picks (the
 * exploration rate) goes to a random deployment instead: without it a deployment that was slow
 * once would never be measured again, and its recovery never noticed.
 */
export function createLatencyBased(tuning: {
  random: () => number;
  explorationRate: number;
}): RoutingStrategy {
  const choice = { score: latencyScore, random: tuning.random };
  return {
    pick(routing, input) {
      if (tuning.random() < tuning.explorationRate) return pickRandom(routing, tuning.random);
      return pickLowest(routing, input, choice);
    },
  };
}
