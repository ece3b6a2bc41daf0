import type { ResolvedDeployment } from '../../core/deployment.js';

/**
 * What the adapter needs to know about a Claude model, decided by documented rules on the model
 * id, each overridable per deployment through `model_info`:
 *
 * - Default `max_tokens` (Anthropic requires one): `model_info.max_output_tokens`, else the
 *   model's documented maximum output
 *   (https://docs.anthropic.com/en/docs/about-claude/models/overview), else 4096.
 * - Native structured output (`output_config.format`): generally available on Claude Opus 4.5,
 *   Sonnet 4.5, Haiku 4.5 and every later model
 *   (https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs); older models get a
 *   forced tool instead. Override: `model_info.supports_response_schema` (LiteLLM's key).
 * - Thinking: Opus 4.6, Sonnet 4.6 and later (and the Mythos and Fable families) take
 *   `thinking: {type: 'adaptive'}` with `output_config.effort`; `budget_tokens` is deprecated
 *   there and rejected with a 400 from Opus 4.7 on
 *   (https://docs.anthropic.com/en/docs/build-with-claude/adaptive-thinking). Older models take
 *   `thinking: {type: 'enabled', budget_tokens}`. Override: `model_info.thinking_mode`
 *   (`adaptive` | `budget`).
 */

export type ThinkingMode = 'adaptive' | 'budget';

export interface ClaudeModelTraits {
  /** The max_tokens sent when the request sets none. */
  readonly defaultMaxTokens: number;
  readonly nativeStructuredOutput: boolean;
  readonly thinkingMode: ThinkingMode;
}

/** Used when neither model_info nor the id tells us the model's output limit. */
export const FALLBACK_MAX_TOKENS = 4096;

interface ClaudeVersion {
  /** `opus`, `sonnet`, `haiku`, `mythos`, `fable`... */
  readonly family: string;
  /** 4.6 → 46, 3.5 → 35, 4 → 40, 5 → 50 (major × 10 + minor). */
  readonly version: number;
}

/** Families that only exist as adaptive-thinking models. */
const ADAPTIVE_ONLY_FAMILIES: ReadonlySet<string> = new Set(['mythos', 'fable']);

/**
 * Reads the family and version from an id in either naming scheme, with or without a date, a
 * Bedrock/Vertex prefix or suffix: `claude-sonnet-4-5-20250929`, `claude-opus-4-6`,
 * `claude-3-7-sonnet-latest`, `claude-3-haiku-20240307`, `claude-opus-5`.
 */
export function parseClaudeModel(model: string): ClaudeVersion | undefined {
  const id = model.toLowerCase();
  // New scheme: claude-<family>-<major>[-<minor>], the minor being one digit (not a date).
  const modern = /claude-([a-z]+)-(\d+)(?:-(\d)(?!\d))?/.exec(id);
  if (modern?.[1] !== undefined) {
    return { family: modern[1], version: Number(modern[2]) * 10 + Number(modern[3] ?? 0) };
  }
  // Old scheme: claude-<major>[-<minor>]-<family>.
  const legacy = /claude-(\d+)(?:-(\d))?-([a-z]+)/.exec(id);
  if (legacy?.[3] !== undefined) {
    return { family: legacy[3], version: Number(legacy[1]) * 10 + Number(legacy[2] ?? 0) };
  }
  // Families that ship without a version in the id (`claude-mythos-preview`).
  const unversioned = /claude-([a-z]+)/.exec(id);
  if (unversioned?.[1] !== undefined && ADAPTIVE_ONLY_FAMILIES.has(unversioned[1])) {
    return { family: unversioned[1], version: 0 };
  }
  return undefined;
}

/** Maximum output tokens of the documented models. */
function documentedMaxOutput(parsed: ClaudeVersion | undefined): number | undefined {
  if (parsed === undefined) return undefined;
  const { family, version } = parsed;
  if (family === 'opus') {
    if (version >= 46) return 128_000;
    if (version >= 45) return 64_000;
    if (version >= 40) return 32_000;
    return 4096;
  }
  if (family === 'sonnet') {
    if (version >= 37) return 64_000;
    if (version >= 35) return 8192;
    return 4096;
  }
  if (family === 'haiku') {
    if (version >= 45) return 64_000;
    if (version >= 35) return 8192;
    return 4096;
  }
  return undefined;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function isLaterFamily(parsed: ClaudeVersion | undefined, atLeast: number): boolean {
  if (parsed === undefined) return false;
  if (ADAPTIVE_ONLY_FAMILIES.has(parsed.family)) return true;
  return parsed.version >= atLeast;
}

export function claudeModelTraits(deployment: ResolvedDeployment): ClaudeModelTraits {
  const info = deployment.modelInfo;
  const parsed = parseClaudeModel(deployment.providerModel);
  const structured = info.supports_response_schema;
  const thinking = info.thinking_mode;
  return {
    defaultMaxTokens:
      positiveInteger(info.max_output_tokens) ?? documentedMaxOutput(parsed) ?? FALLBACK_MAX_TOKENS,
    nativeStructuredOutput:
      typeof structured === 'boolean' ? structured : isLaterFamily(parsed, 45),
    thinkingMode:
      thinking === 'adaptive' || thinking === 'budget'
        ? thinking
        : isLaterFamily(parsed, 46)
          ? 'adaptive'
          : 'budget',
  };
}
