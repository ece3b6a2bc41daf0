import type { CallOptions } from '../../core/adapter.js';
import type { ReasoningEffort } from '../../core/chat-request.js';
import { unsupportedParameter } from '../../core/provider-options.js';
import type { AnthropicThinking } from './anthropic-api.js';
import type { ThinkingMode } from './anthropic-models.js';
import { ANTHROPIC } from './convert-to-anthropic-messages.js';

/**
 * `reasoning_effort` → Anthropic thinking
 * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking).
 *
 * Models that take a budget (`thinking: {type: 'enabled', budget_tokens}`, before Opus/Sonnet 4.6):
 *
 *   | reasoning_effort | budget_tokens |
 *   | minimal          | 1024 (the API's minimum) |
 *   | low              | 2048  |
 *   | medium           | 8192  |
 *   | high             | 16384 |
 *   | xhigh            | 32768 (about where Anthropic reports diminishing returns) |
 *
 * The budget counts toward `max_tokens` and must stay below it: when it does not fit, it is cut
 * to half of max_tokens, and below the 1024 minimum thinking cannot be turned on (a 400, or
 * dropped under drop_params).
 *
 * Adaptive models (https://docs.anthropic.com/en/docs/build-with-claude/adaptive-thinking) get
 * `thinking: {type: 'adaptive'}` and `output_config.effort`: minimal and low → `low`, medium →
 * `medium`, high → `high`, xhigh → `xhigh`.
 *
 * `none` (or no reasoning_effort) sends no thinking. A `thinking` object in
 * `provider_options.anthropic` replaces all of this.
 */

export const MIN_THINKING_BUDGET = 1024;

const BUDGETS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16_384,
  xhigh: 32_768,
};

const EFFORTS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, string>> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
};

export interface ThinkingPlan {
  readonly thinking: AnthropicThinking | undefined;
  readonly effort: string | undefined;
}

export interface ThinkingContext {
  readonly mode: ThinkingMode;
  readonly maxTokens: number;
  readonly options: Pick<CallOptions, 'dropParams' | 'warnings'>;
}

const NO_THINKING: ThinkingPlan = { thinking: undefined, effort: undefined };

export function convertAnthropicThinking(
  effort: ReasoningEffort | null | undefined,
  context: ThinkingContext,
): ThinkingPlan {
  if (effort == null || effort === 'none') return NO_THINKING;
  if (context.mode === 'adaptive') {
    return { thinking: { type: 'adaptive' }, effort: EFFORTS[effort] };
  }
  let budget = BUDGETS[effort];
  if (budget >= context.maxTokens) budget = Math.floor(context.maxTokens / 2);
  if (budget < MIN_THINKING_BUDGET) {
    unsupportedParameter(context.options, {
      provider: ANTHROPIC,
      param: 'reasoning_effort',
      reason: `max_tokens ${context.maxTokens} leaves no room for the minimum thinking budget of ${MIN_THINKING_BUDGET} tokens`,
    });
    return NO_THINKING;
  }
  return { thinking: { type: 'enabled', budget_tokens: budget }, effort: undefined };
}
