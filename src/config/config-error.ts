import { formatPath } from '../core/json.js';

/** A path inside the config, as zod reports it: `['model_list', 2, 'litellm_params', 'model']`. */
export type ConfigPath = readonly (string | number)[];

/** One thing wrong with a config. */
export interface ConfigProblem {
  /** Where in the config; empty for the document as a whole (e.g. a YAML syntax error). */
  readonly path: ConfigPath;
  /** What is wrong, phrased for the person editing the file. */
  readonly message: string;
  /** 1-based line in the file, when the config came from YAML and the spot could be found. */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/**
 * An invalid configuration. It carries every problem found, not just the first, so that one
 * edit-and-restart cycle can fix them all; the message lists them with file, path and line.
 */
export class ConfigError extends Error {
  /** The file the config came from, or undefined for a config object (library mode). */
  readonly source: string | undefined;
  readonly problems: readonly ConfigProblem[];

  constructor(source: string | undefined, problems: readonly ConfigProblem[]) {
    super(formatConfigProblems(source, problems));
    this.name = 'ConfigError';
    this.source = source;
    this.problems = problems;
  }
}

/**
 * ```
 * Invalid config in config.yaml (2 problems):
 *   - model_list[2].litellm_params.model (line 14): unknown provider "foo"; known providers: mock, openai
 *   - router_settings.num_retries (line 30): Too small: expected number to be >=0
 * ```
 */
export function formatConfigProblems(
  source: string | undefined,
  problems: readonly ConfigProblem[],
): string {
  const where = source === undefined ? 'Invalid config object' : `Invalid config in ${source}`;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${describeProblem(problem)}`);
  return [`${where} (${count}):`, ...lines].join('\n');
}

function describeProblem(problem: ConfigProblem): string {
  const path = formatPath(problem.path);
  const position =
    problem.line === undefined
      ? ''
      : problem.column === undefined
        ? `line ${problem.line}`
        : `line ${problem.line}, column ${problem.column}`;
  const where = path === '' ? position : position === '' ? path : `${path} (${position})`;
  return where === '' ? problem.message : `${where}: ${problem.message}`;
}
