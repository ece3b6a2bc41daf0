import type { ConfigPath, ConfigProblem } from './config-error.js';

type FallbackList = readonly Readonly<Record<string, readonly string[]>>[];

/** The fallback keys shared by `router_settings` and `litellm_settings`. */
export interface FallbackSettings {
  readonly fallbacks?: FallbackList | undefined;
  readonly context_window_fallbacks?: FallbackList | undefined;
  readonly content_policy_fallbacks?: FallbackList | undefined;
  readonly default_fallbacks?: readonly string[] | undefined;
}

const FALLBACK_LISTS = [
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
] as const;

/**
 * Every group a fallback names, on either side, must be served by `model_list`. This is an
 * error, not a warning: a misspelt fallback is otherwise discovered during the outage it was
 * meant to survive. A name matching a wildcard model_name (`openai/gpt-4o` with `openai/*`)
 * counts as served.
 */
export function checkFallbacks(
  section: 'router_settings' | 'litellm_settings',
  settings: FallbackSettings,
  isServed: (name: string) => boolean,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const require = (name: string, path: ConfigPath): void => {
    if (!isServed(name)) {
      problems.push({ path, message: `"${name}" is not a model_name in model_list` });
    }
  };
  for (const key of FALLBACK_LISTS) {
    settings[key]?.forEach((map, index) => {
      for (const [group, targets] of Object.entries(map)) {
        const path: ConfigPath = [section, key, index, group];
        require(group, path);
        targets.forEach((target, position) => require(target, [...path, position]));
      }
    });
  }
  settings.default_fallbacks?.forEach((target, index) => {
    require(target, [section, 'default_fallbacks', index]);
  });
  return problems;
}

/** Whether a public model name is served: exactly, or through a wildcard model_name. */
export function servedModelNames(modelNames: readonly string[]): (name: string) => boolean {
  const exact = new Set(modelNames);
  const patterns = modelNames
    .filter((name) => name.includes('*'))
    .map((name) => {
      const star = name.indexOf('*');
      return { prefix: name.slice(0, star), suffix: name.slice(star + 1) };
    });
  // Same matching rule as the model catalog: the `*` stands for at least one character.
  return (name) =>
    exact.has(name) ||
    patterns.some(
      (p) =>
        name.length > p.prefix.length + p.suffix.length &&
        name.startsWith(p.prefix) &&
        name.endsWith(p.suffix),
    );
}
