import { formatPath } from '../core/json.js';
import type { ConfigPath } from './config-error.js';
import { isConfigRecord, type ConfigRecord } from './config-value.js';

/** Where a setting lives: in each deployment's params, or in one of the settings sections. */
export type SettingSection =
  'litellm_params' | 'router_settings' | 'litellm_settings' | 'general_settings';

/** A setting that validates and loads, but that nothing acts on yet. */
export interface PendingSetting {
  readonly section: SettingSection;
  readonly key: string;
  /** What is missing, in a few words, for the warning. */
  readonly reason: string;
  /** Values that already match today's behaviour, so setting them needs no warning. */
  readonly inertValues?: readonly (string | number | boolean)[];
}

/**
 * Settings Tollgate accepts but does not enforce yet. Each one that a config sets produces one
 * start-up warning, so nobody believes a limit or a fallback protects them when it does not.
 * Remove an entry in the change that makes the setting work.
 */
export const ACCEPTED_NOT_YET_IN_EFFECT: readonly PendingSetting[] = [
  {
    section: 'litellm_params',
    key: 'max_tokens',
    reason: 'deployment defaults are not applied to requests yet',
  },
];

/**
 * One warning per pending setting the config sets. A per-deployment setting set on many
 * deployments is still one warning (naming the first and counting the rest), to keep start-up
 * output readable with large model lists.
 */
export function notYetInEffectWarnings(config: ConfigRecord): string[] {
  const warnings: string[] = [];
  for (const setting of ACCEPTED_NOT_YET_IN_EFFECT) {
    const paths = settingPaths(config, setting);
    const first = paths[0];
    if (first === undefined) continue;
    const others =
      paths.length > 1
        ? `; also set on ${paths.length - 1} more model_list ${paths.length === 2 ? 'entry' : 'entries'}`
        : '';
    warnings.push(
      `setting "${formatPath(first)}" is accepted but not yet in effect (${setting.reason})${others}`,
    );
  }
  return warnings;
}

/** Paths where the config sets this setting to a value that would change behaviour. */
function settingPaths(config: ConfigRecord, setting: PendingSetting): ConfigPath[] {
  const holders: { path: ConfigPath; values: unknown }[] = [];
  if (setting.section === 'litellm_params') {
    const list = config.model_list;
    if (Array.isArray(list)) {
      list.forEach((entry: unknown, index) => {
        if (!isConfigRecord(entry)) return;
        // `params` is LiteLLM's alias of `litellm_params`; report the key the file uses.
        const key = entry.litellm_params === undefined ? 'params' : 'litellm_params';
        holders.push({ path: ['model_list', index, key], values: entry[key] });
      });
    }
  } else {
    holders.push({ path: [setting.section], values: config[setting.section] });
  }
  const paths: ConfigPath[] = [];
  for (const holder of holders) {
    if (!isConfigRecord(holder.values)) continue;
    const value = holder.values[setting.key];
    if (value === undefined || value === null || isInert(value, setting)) continue;
    paths.push([...holder.path, setting.key]);
  }
  return paths;
}

function isInert(value: unknown, setting: PendingSetting): boolean {
  if (Array.isArray(value) && value.length === 0) return true;
  return (
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
    (setting.inertValues ?? []).includes(value)
  );
}
