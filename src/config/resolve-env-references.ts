import type { ConfigPath, ConfigProblem } from './config-error.js';
import { environmentValue, isConfigRecord, type Environment } from './config-value.js';

/** LiteLLM's syntax for "read this value from the environment": `os.environ/OPENAI_API_KEY`. */
export const ENV_REFERENCE_PREFIX = 'os.environ/';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface EnvResolution {
  /** A copy of the input with every reference replaced (the input is never modified). */
  readonly value: unknown;
  /** One per reference that could not be read; its path points at the referring value. */
  readonly problems: readonly ConfigProblem[];
}

/**
 * Replaces every `os.environ/NAME` string value, at any depth, with the variable's value.
 * A reference that cannot be resolved is left as written (and reported), so later checks see
 * a string rather than a hole and do not pile a second "is missing" on top of this problem.
 */
export function resolveEnvReferences(value: unknown, env: Environment): EnvResolution {
  const problems: ConfigProblem[] = [];
  const resolved = resolveValue(value, { env, path: [], problems });
  return { value: resolved, problems };
}

interface Walk {
  readonly env: Environment;
  readonly path: ConfigPath;
  readonly problems: ConfigProblem[];
}

function resolveValue(value: unknown, walk: Walk): unknown {
  if (typeof value === 'string') return resolveString(value, walk);
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) =>
      resolveValue(item, { ...walk, path: [...walk.path, index] }),
    );
  }
  if (isConfigRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = resolveValue(child, { ...walk, path: [...walk.path, key] });
    }
    return out;
  }
  return value;
}

function resolveString(value: string, walk: Walk): string {
  if (!value.startsWith(ENV_REFERENCE_PREFIX)) return value;
  const name = value.slice(ENV_REFERENCE_PREFIX.length).trim();
  if (!VARIABLE_NAME.test(name)) {
    walk.problems.push({
      path: walk.path,
      message: `"${value}" is not a valid environment reference; write os.environ/VARIABLE_NAME`,
    });
    return value;
  }
  const resolved = environmentValue(walk.env, name);
  if (resolved === undefined) {
    walk.problems.push({
      path: walk.path,
      message: `environment variable ${name} is not set (referenced as ${value})`,
    });
    return value;
  }
  return resolved;
}
