import { readFileSync } from 'node:fs';
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { KNOWN_PROVIDERS } from '../adapters/registry.js';
import { formatPath } from '../core/json.js';
import { ConfigError, type ConfigPath, type ConfigProblem } from './config-error.js';
import { configSchema } from './config-schema.js';
import { isConfigRecord, type Environment } from './config-value.js';
import { findUnknownKeys, type UnknownKey } from './find-unknown-keys.js';
import type { LoadedConfig } from './loaded-config.js';
import { notYetInEffectWarnings } from './not-yet-in-effect.js';
import { resolveConfig } from './resolve-config.js';
import { validateConfig } from './validate-config.js';

export interface LoadOptions {
  /**
   * Provider prefixes that have an adapter. Defaults to the adapter registry's; tests pass their
   * own so they do not depend on which adapters have landed.
   */
  readonly knownProviders?: readonly string[] | undefined;
  /**
   * Discovery only: whether an Ollama answered at its default address (the CLI probes it; a
   * pure function of its inputs cannot). Without it, Ollama is listed only when OLLAMA_API_BASE
   * is set.
   */
  readonly ollamaReachable?: boolean | undefined;
}

export interface ParseConfigOptions extends LoadOptions {
  /** Where the config came from, for messages; undefined for an object built in code. */
  readonly source: string | undefined;
  /** Values for `os.environ/NAME` references. */
  readonly env: Environment;
}

/** Line and column (1-based) of a config path in the YAML text, when it can be found. */
type Locate = (path: ConfigPath) => { line: number; column: number } | undefined;

/** How far the YAML parser expands aliases before calling it an attack (billion laughs). */
const MAX_ALIAS_COUNT = 100;

/**
 * Reads and validates a LiteLLM-style YAML config file. Throws ConfigError listing every
 * problem (YAML syntax errors with line and column; then every validation problem, each with
 * its path in the file and its line). Warnings come back in `LoadedConfig.warnings`.
 */
export function loadConfigFile(
  path: string,
  env: Environment,
  options?: LoadOptions,
): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [{ path: [], message: `cannot read the file: ${reason}` }]);
  }
  const lineCounter = new LineCounter();
  // `merge`: LiteLLM configs often share params through YAML anchors and `<<:` merge keys.
  const document = parseDocument(text, { lineCounter, merge: true, prettyErrors: false });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (document.errors.length > 0) {
    throw new ConfigError(
      path,
      document.errors.map((error) => ({
        path: [],
        message: `YAML syntax error: ${error.message}`,
        ...position(error.pos[0]),
      })),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [{ path: [], message: `YAML error: ${reason}` }]);
  }
  const yamlWarnings = document.warnings.map((warning) => {
    const { line, column } = position(warning.pos[0]);
    return `YAML warning at line ${line}, column ${column}: ${warning.message}`;
  });
  return buildConfig(value, {
    options: { source: path, env, knownProviders: options?.knownProviders },
    locate: (configPath) => locateInDocument(document, configPath, position),
    yamlWarnings,
  });
}

/**
 * Validates a config given as a value (library mode, or a file parsed elsewhere): the same
 * structure as the YAML file. Throws ConfigError listing every problem.
 */
export function parseConfig(value: unknown, options: ParseConfigOptions): LoadedConfig {
  return buildConfig(value, { options, locate: () => undefined, yamlWarnings: [] });
}

function buildConfig(
  value: unknown,
  context: { options: ParseConfigOptions; locate: Locate; yamlWarnings: readonly string[] },
): LoadedConfig {
  const { options, locate } = context;
  const result = validateConfig(value, {
    env: options.env,
    knownProviders: options.knownProviders ?? KNOWN_PROVIDERS,
  });
  if (!result.ok) {
    throw new ConfigError(
      options.source,
      sortByLine(result.problems.map((p) => located(p, locate))),
    );
  }
  const unknownKeys = isConfigRecord(value) ? findUnknownKeys(configSchema, value) : [];
  return {
    ...resolveConfig(result.config, options.source),
    warnings: [
      ...context.yamlWarnings,
      ...unknownKeys.map(describeUnknownKey),
      ...result.config.warnings,
      ...notYetInEffectWarnings(result.config.resolved),
    ],
  };
}

function describeUnknownKey(unknown: UnknownKey): string {
  const handling =
    unknown.handling === 'ignored' ? 'ignored' : 'passed to the provider adapter unchecked';
  return `unknown key "${formatPath(unknown.path)}" (${handling})`;
}

function located(problem: ConfigProblem, locate: Locate): ConfigProblem {
  if (problem.line !== undefined) return problem;
  const position = locate(problem.path);
  return position === undefined ? problem : { ...problem, ...position };
}

/** File order reads best; problems without a line keep their order, after the others. */
function sortByLine(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
  );
}

/**
 * The deepest YAML node on `path` that exists: the value itself, or for a missing key the
 * mapping that should hold it. Keys that come from a `<<:` merge are found at their mapping.
 */
function locateInDocument(
  document: Document,
  path: ConfigPath,
  position: (offset: number) => { line: number; column: number },
): { line: number; column: number } | undefined {
  let node: unknown = document.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) node = node.get(segment, true);
    else if (isSeq(node) && typeof segment === 'number') node = node.get(segment, true);
    else break;
    if (!isNode(node)) break;
    offset = node.range?.[0] ?? offset;
  }
  return offset === undefined ? undefined : position(offset);
}
