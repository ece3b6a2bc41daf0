import type { z } from 'zod';
import { formatPath } from '../core/json.js';
import { checkFallbacks, servedModelNames } from './check-fallbacks.js';
import { checkModelEntry, type CheckedModelEntry } from './check-model-entry.js';
import type { ConfigPath, ConfigProblem } from './config-error.js';
import {
  CHAT_CALL_TYPES,
  EMBEDDING_CALL_TYPES,
  fallbackSettingsSchema,
  generalSettingsSchema,
  litellmSettingsSchema,
  modelListEntrySchema,
  routerSettingsSchema,
  type GeneralSettingsInput,
  type LitellmSettingsInput,
  type RouterSettingsInput,
} from './config-schema.js';
import { isConfigRecord, type ConfigRecord, type Environment } from './config-value.js';
import { resolveEnvReferences } from './resolve-env-references.js';

/** A model_list entry with its deployment id settled. */
export interface IdentifiedEntry {
  readonly id: string;
  readonly entry: CheckedModelEntry;
}

/** A config that passed every check, still in the file's vocabulary. */
export interface ValidConfig {
  readonly entries: readonly IdentifiedEntry[];
  readonly routerSettings: RouterSettingsInput;
  readonly litellmSettings: LitellmSettingsInput;
  readonly generalSettings: GeneralSettingsInput;
  /** The whole config with `os.environ/NAME` resolved, for scans over raw keys. */
  readonly resolved: ConfigRecord;
  readonly warnings: readonly string[];
}

export type ValidationResult =
  | { readonly ok: true; readonly config: ValidConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface ValidationOptions {
  readonly env: Environment;
  readonly knownProviders: readonly string[];
}

/** Problems found so far, and the paths whose value is already known to be unusable. */
interface Collector {
  readonly problems: ConfigProblem[];
  /** Paths of unresolved env references; type errors at or under them would only repeat it. */
  readonly unresolved: readonly ConfigPath[];
}

/**
 * Checks a parsed config and collects every problem rather than stopping at the first. Each
 * section and each model_list entry is validated on its own, so a mistake in one does not hide
 * mistakes in the others.
 */
export function validateConfig(value: unknown, options: ValidationOptions): ValidationResult {
  const document = value ?? {};
  if (!isConfigRecord(document)) {
    return {
      ok: false,
      problems: [
        { path: [], message: 'the config must be a mapping (model_list, router_settings, ...)' },
      ],
    };
  }
  const env = resolveEnvReferences(document, options.env);
  const resolved = isConfigRecord(env.value) ? env.value : {};
  const collector: Collector = {
    problems: [...env.problems],
    unresolved: env.problems.map((problem) => problem.path),
  };
  const routerSettings = parseSection(routerSettingsSchema, resolved, {
    key: 'router_settings',
    collector,
  });
  const litellmSettings = parseSection(litellmSettingsSchema, resolved, {
    key: 'litellm_settings',
    collector,
  });
  const generalSettings = parseSection(generalSettingsSchema, resolved, {
    key: 'general_settings',
    collector,
  });
  const entries = checkModelList(resolved.model_list, { options, collector });
  const isServed = servedModelNames(modelNames(resolved.model_list));
  // Fallbacks are checked even when another key of their section is wrong, so that one edit
  // fixes everything; the section's own type errors were reported above.
  for (const key of ['router_settings', 'litellm_settings'] as const) {
    const fallbacks = fallbackSettingsSchema.safeParse(resolved[key] ?? {});
    if (fallbacks.success)
      collector.problems.push(...checkFallbacks(key, fallbacks.data, isServed));
  }
  if (
    collector.problems.length > 0 ||
    routerSettings === undefined ||
    litellmSettings === undefined ||
    generalSettings === undefined
  ) {
    return { ok: false, problems: collector.problems };
  }
  const warnings =
    entries.length === 0 ? ['model_list is missing or empty: no models are served'] : [];
  warnings.push(...uncachedCallTypeWarnings(litellmSettings.cache_params?.supported_call_types));
  return {
    ok: true,
    config: { entries, routerSettings, litellmSettings, generalSettings, resolved, warnings },
  };
}

/** Validates one settings section; an absent or empty (`null`) section is `{}`. */
function parseSection<T>(
  schema: z.ZodType<T>,
  config: ConfigRecord,
  where: { key: string; collector: Collector },
): T | undefined {
  return parseAt(schema, config[where.key] ?? {}, {
    path: [where.key],
    collector: where.collector,
  });
}

function parseAt<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: { path: ConfigPath; collector: Collector },
): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = [...where.path, ...issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s))];
    if (where.collector.unresolved.some((prefix) => isUnder(path, prefix))) continue;
    where.collector.problems.push({ path, message: issueMessage(issue) });
  }
  return undefined;
}

/** zod reports a bad record key as "Invalid key in record"; the reason is one level down. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

function isUnder(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

function checkModelList(
  list: unknown,
  context: { options: ValidationOptions; collector: Collector },
): IdentifiedEntry[] {
  const { collector } = context;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    collector.problems.push({ path: ['model_list'], message: 'must be a list of models' });
    return [];
  }
  const ids = deploymentIds(list, collector);
  const identified: IdentifiedEntry[] = [];
  list.forEach((raw: unknown, index) => {
    const parsed = parseAt(modelListEntrySchema, raw, { path: ['model_list', index], collector });
    if (parsed === undefined) return;
    const result = checkModelEntry(parsed, {
      index,
      knownProviders: context.options.knownProviders,
    });
    const id = ids.get(index);
    if (!result.ok) collector.problems.push(...result.problems);
    else if (id !== undefined) identified.push({ id, entry: result.entry });
  });
  return identified;
}

/**
 * Deployment ids by model_list position: `model_info.id`, or `<model_name>#<position in its
 * group>` (counting within the group keeps ids, and the spend rows that record them, stable
 * when unrelated entries are added or moved). Read from the raw entries so that a duplicate is
 * reported even when one of the two entries has other problems. A duplicate gets no id.
 */
function deploymentIds(list: readonly unknown[], collector: Collector): Map<number, string> {
  const positions = new Map<string, number>();
  const firstUse = new Map<string, ConfigPath>();
  const ids = new Map<number, string>();
  list.forEach((entry: unknown, index) => {
    if (!isConfigRecord(entry)) return;
    const modelName = typeof entry.model_name === 'string' ? entry.model_name : undefined;
    const position = modelName === undefined ? 0 : (positions.get(modelName) ?? 0);
    if (modelName !== undefined) positions.set(modelName, position + 1);
    const explicit = explicitId(entry.model_info);
    const id = explicit ?? (modelName === undefined ? undefined : `${modelName}#${position}`);
    if (id === undefined) return;
    const path: ConfigPath =
      explicit === undefined ? ['model_list', index] : ['model_list', index, 'model_info', 'id'];
    const earlier = firstUse.get(id);
    if (earlier === undefined) {
      firstUse.set(id, path);
      ids.set(index, id);
    } else {
      collector.problems.push({
        path,
        message: `duplicate deployment id "${id}" (already used by ${formatPath(earlier)})`,
      });
    }
  });
  return ids;
}

/** `model_info.id` as the schema reads it (text or number), if present and usable. */
function explicitId(modelInfo: unknown): string | undefined {
  if (!isConfigRecord(modelInfo)) return undefined;
  const id = modelInfo.id;
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) return String(id);
  return undefined;
}

/** Every model_name written in the list, valid entry or not, so fallback checks don't cascade. */
function modelNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) =>
    isConfigRecord(entry) && typeof entry.model_name === 'string' ? [entry.model_name] : [],
  );
}

/** A call type Tollgate does not cache is said, not silently ignored. */
function uncachedCallTypeWarnings(callTypes: readonly string[] | undefined): string[] {
  return (callTypes ?? [])
    .filter((type) => !CHAT_CALL_TYPES.includes(type) && !EMBEDDING_CALL_TYPES.includes(type))
    .map(
      (type) =>
        `litellm_settings.cache_params.supported_call_types: "${type}" is not cached (Tollgate caches chat completions and embeddings)`,
    );
}
