import type { GroupRouting } from '../group-routing.js';
import type { RoutingStrategy } from './routing-strategy.js';

/** LiteLLM's default: a weighted random pick (weights from `shuffleWeights`). */
export function createSimpleShuffle(random: () => number): RoutingStrategy {
  return {
    pick(routing: GroupRouting): number {
      const { eligible, weights } = routing;
      let total = 0;
      let last = -1;
      for (let index = 0; index < eligible.length; index += 1) {
        if (eligible[index] === 0) continue;
        total += weights[index]!;
        last = index;
      }
      let remaining = random() * total;
      for (let index = 0; index < eligible.length; index += 1) {
        if (eligible[index] === 0) continue;
        remaining -= weights[index]!;
        if (remaining < 0) return index;
      }
      // Floating-point leftovers land on the last eligible deployment.
      return last;
    },
  };
}
