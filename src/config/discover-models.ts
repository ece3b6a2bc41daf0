import { KNOWN_PROVIDERS } from '../adapters/registry.js';
import { environmentValue, type ConfigRecord, type Environment } from './config-value.js';
import { parseConfig, type LoadOptions } from './load-config.js';
import type { LoadedConfig } from './loaded-config.js';
import { ENV_REFERENCE_PREFIX } from './resolve-env-references.js';

/** A provider SPEC §1 switches on from the environment when no config file is given. */
interface DiscoverySource {
  readonly provider: string;
  /** Settings of its `<provider>/*` entry, or undefined when the environment does not enable it. */
  readonly params: (env: Environment, options?: LoadOptions) => ConfigRecord | undefined;
}

const OLLAMA_DEFAULT_BASE = 'http://127.0.0.1:11434';

/**
 * The discovery table. A provider is only included once its adapter is in the registry, so
 * each row switches on by itself when that adapter lands. Values are written as
 * `os.environ/NAME` references so discovery goes through the same resolution as a file.
 */
const DISCOVERY_SOURCES: readonly DiscoverySource[] = [
  {
    provider: 'openai',
    params: (env) =>
      whenSet(env, ['OPENAI_API_KEY'], {
        api_key: reference('OPENAI_API_KEY'),
        api_base: firstReference(env, ['OPENAI_BASE_URL', 'OPENAI_API_BASE']),
      }),
  },
  {
    provider: 'anthropic',
    params: (env) =>
      whenSet(env, ['ANTHROPIC_API_KEY'], {
        api_key: reference('ANTHROPIC_API_KEY'),
        api_base: firstReference(env, ['ANTHROPIC_BASE_URL', 'ANTHROPIC_API_BASE']),
      }),
  },
  {
    provider: 'gemini',
    params: (env) =>
      whenSet(env, ['GEMINI_API_KEY'], {
        api_key: reference('GEMINI_API_KEY'),
        api_base: firstReference(env, ['GEMINI_API_BASE']),
      }),
  },
  {
    provider: 'bedrock',
    params: (env) =>
      whenSet(env, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], {
        aws_access_key_id: reference('AWS_ACCESS_KEY_ID'),
        aws_secret_access_key: reference('AWS_SECRET_ACCESS_KEY'),
        aws_session_token: firstReference(env, ['AWS_SESSION_TOKEN']),
        // No region default: calling a region the user did not choose would be a surprise
        // (and a bill elsewhere); the bedrock adapter reports a missing region instead.
        aws_region_name: firstReference(env, [
          'AWS_REGION_NAME',
          'AWS_REGION',
          'AWS_DEFAULT_REGION',
        ]),
      }),
  },
  {
    provider: 'ollama',
    // SPEC §1: "an Ollama at http://127.0.0.1:11434" — one that is there. OLLAMA_API_BASE names
    // one; otherwise the caller says whether the default address answered (probe-ollama.ts),
    // so that `ollama/*` is never advertised when nothing could serve it.
    params: (env, options) => {
      const configured = firstReference(env, ['OLLAMA_API_BASE']);
      if (configured !== undefined) return { api_base: configured };
      return options?.ollamaReachable === true ? { api_base: OLLAMA_DEFAULT_BASE } : undefined;
    },
  },
];

/**
 * The configuration used when no config file is given (SPEC §1): the built-in `mock` models
 * (`mock/echo`, and `mock/*` for any name), a `<provider>/*` wildcard for each provider the
 * environment enables, the in-memory response cache, and `TOLLGATE_MASTER_KEY` / `DATABASE_URL`
 * as general settings. (A config file turns the cache on itself: `litellm_settings.cache`.)
 */
export function discoverConfig(env: Environment, options?: LoadOptions): LoadedConfig {
  const knownProviders = options?.knownProviders ?? KNOWN_PROVIDERS;
  const modelList: ConfigRecord[] = [
    {
      model_name: 'mock/echo',
      litellm_params: { model: 'mock/echo' },
      model_info: { id: 'mock-echo' },
    },
    { model_name: 'mock/*', litellm_params: { model: 'mock/*' }, model_info: { id: 'mock' } },
  ];
  for (const source of DISCOVERY_SOURCES) {
    if (!knownProviders.includes(source.provider)) continue;
    const params = source.params(env, options);
    if (params === undefined) continue;
    modelList.push({
      model_name: `${source.provider}/*`,
      litellm_params: { model: `${source.provider}/*`, ...withoutUndefined(params) },
      model_info: { id: source.provider },
    });
  }
  const generalSettings = withoutUndefined({
    master_key: firstReference(env, ['TOLLGATE_MASTER_KEY']),
    database_url: firstReference(env, ['DATABASE_URL']),
  });
  return parseConfig(
    {
      model_list: modelList,
      litellm_settings: { cache: true, cache_params: { type: 'local' } },
      general_settings: generalSettings,
    },
    { source: undefined, env, knownProviders },
  );
}

function reference(name: string): string {
  return `${ENV_REFERENCE_PREFIX}${name}`;
}

/** A reference to the first of `names` that is set, or undefined when none is. */
function firstReference(env: Environment, names: readonly string[]): string | undefined {
  const name = names.find((candidate) => environmentValue(env, candidate) !== undefined);
  return name === undefined ? undefined : reference(name);
}

function whenSet(
  env: Environment,
  required: readonly string[],
  params: ConfigRecord,
): ConfigRecord | undefined {
  return required.every((name) => environmentValue(env, name) !== undefined) ? params : undefined;
}

function withoutUndefined(record: ConfigRecord): ConfigRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
