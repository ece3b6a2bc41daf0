import type { ReasoningEffort } from '../../core/chat-request.js';
import type { AnthropicRequest } from './anthropic-request.js';

/**
 * How hard to think, from Anthropic's knobs to the canonical `reasoning_effort`, when the client
 * turned thinking on (`enabled` or `adaptive`):
 *
 * - `output_config.effort` wins when given: `low`, `medium`, `high`, `xhigh` map to themselves,
 *   `max` to `xhigh`;
 * - otherwise `thinking: { type: 'enabled', budget_tokens }` maps by budget:
 *   below 4,096 → `low`, below 16,384 → `medium`, 16,384 and above → `high`
 *   (the anthropic adapter's own budgets, 2,048 / 8,192 / 16,384, map back to what they came
 *   from; Claude Code's "think" is about 4k tokens, "think hard" 10k, "ultrathink" 32k);
 * - `adaptive` without an effort, `disabled` or no thinking → none (the provider's default).
 *
 * Without thinking, `output_config.effort` is not a reasoning setting: it is left to anthropic
 * deployments (see convert-anthropic-request.ts), as a canonical `reasoning_effort` would make the
 * anthropic adapter turn on thinking the client did not ask for. An anthropic deployment
 * receives the exact `thinking` and `output_config` anyway (the provider_options passthrough),
 * so this mapping only matters for other providers.
 */

const LOW_BELOW = 4096;
const MEDIUM_BELOW = 16_384;

export function budgetToReasoningEffort(budgetTokens: number): ReasoningEffort {
  if (budgetTokens < LOW_BELOW) return 'low';
  if (budgetTokens < MEDIUM_BELOW) return 'medium';
  return 'high';
}

/** The client asked for thinking. */
export function thinkingIsOn(request: Pick<AnthropicRequest, 'thinking'>): boolean {
  const type = request.thinking?.type;
  return type === 'enabled' || type === 'adaptive';
}

export function mapThinkingToReasoningEffort(
  request: Pick<AnthropicRequest, 'thinking' | 'output_config'>,
): ReasoningEffort | undefined {
  if (!thinkingIsOn(request)) return undefined;
  const effort = request.output_config?.effort;
  if (effort !== undefined && effort !== null) return effort === 'max' ? 'xhigh' : effort;
  const budget = request.thinking?.budget_tokens;
  return typeof budget === 'number' ? budgetToReasoningEffort(budget) : undefined;
}
