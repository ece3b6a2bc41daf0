import type { ReasoningEffort } from '../../core/chat-request.js';
import type { GeminiThinkingConfig } from './gemini-api.js';

/**
 * `reasoning_effort` → `generationConfig.thinkingConfig` (https://ai.google.dev/gemini-api/docs/thinking).
 *
 * Gemini 3 and later take a `thinkingLevel`; Gemini 2.5 takes a `thinkingBudget` in tokens, and
 * the two must not be sent together (400). Levels are sent as the proto enum names (`LOW`), the
 * canonical JSON form both the Gemini API and Vertex AI accept. Gemini 3 cannot turn thinking off, so `none` asks for
 * its lowest level; Gemini 3 Pro only knows `low` and `high`, so other levels round up there.
 * 2.5 budgets stay inside every 2.5 model's documented range (Pro 128–32768 and cannot turn
 * thinking off; Flash 0–24576; Flash-Lite 512–24576 or 0).
 *
 * `includeThoughts: true` asks for thought summaries, which come back as `reasoning_content`.
 * An explicit `provider_options.<provider>.generationConfig.thinkingConfig` still wins (merged last).
 */

const LEVELS: Readonly<
  Record<ReasoningEffort, NonNullable<GeminiThinkingConfig['thinkingLevel']>>
> = {
  none: 'MINIMAL',
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
};

const BUDGETS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

/** The model's major Gemini version, or undefined for names that do not say (tuned endpoints). */
function majorVersion(model: string): number | undefined {
  const match = /gemini-(\d+)/.exec(model);
  return match === null ? undefined : Number(match[1]);
}

function levelConfig(effort: ReasoningEffort, model: string): GeminiThinkingConfig {
  let level = LEVELS[effort];
  if (/gemini-3-pro/.test(model)) {
    // https://ai.google.dev/gemini-api/docs/gemini-3#thinking_level: Pro supports low and high.
    level = level === 'MINIMAL' ? 'LOW' : level === 'MEDIUM' ? 'HIGH' : level;
  }
  return effort === 'none'
    ? { thinkingLevel: level }
    : { thinkingLevel: level, includeThoughts: true };
}

function budgetConfig(effort: ReasoningEffort, model: string): GeminiThinkingConfig {
  const isPro = /-pro/.test(model);
  if (effort === 'none') return { thinkingBudget: isPro ? 128 : 0 };
  const budget = effort === 'xhigh' && isPro ? 32768 : BUDGETS[effort];
  return { thinkingBudget: budget, includeThoughts: true };
}

export function mapGeminiReasoningEffort(
  effort: ReasoningEffort,
  model: string,
): GeminiThinkingConfig {
  const major = majorVersion(model);
  return major !== undefined && major >= 3
    ? levelConfig(effort, model)
    : budgetConfig(effort, model);
}
