import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KNOWN_PROVIDERS } from '../adapters/registry.js';
import { ConfigError } from './config-error.js';
import { loadConfigFile, parseConfig } from './load-config.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

const KNOWN = { knownProviders: ['mock', 'openai', 'azure'] };

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The problems of an invalid config object, as `path: message` lines. */
function problemsOf(config: unknown, env: Record<string, string> = {}): string[] {
  const error = configError(() => parseConfig(config, { source: undefined, env, ...KNOWN }));
  return error.message.split('\n').slice(1);
}

const chat = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  model_list: [{ model_name: 'chat', litellm_params: { model: 'mock/echo', ...params }, ...extra }],
});

describe('config mistakes are reported with their path', () => {
  it.each([
    [
      'a wrong type',
      chat({ rpm: 'lots' }),
      '  - model_list[0].litellm_params.rpm: Invalid input: expected number, received string',
    ],
    [
      'a missing model_name',
      { model_list: [{ litellm_params: { model: 'mock/echo' } }] },
      '  - model_list[0].model_name: is missing',
    ],
    [
      'missing litellm_params',
      { model_list: [{ model_name: 'chat' }] },
      '  - model_list[0].litellm_params: is missing (it holds the model to call)',
    ],
    [
      'both litellm_params and its alias',
      {
        model_list: [
          { model_name: 'c', litellm_params: { model: 'mock/a' }, params: { model: 'mock/b' } },
        ],
      },
      '  - model_list[0].params: use either litellm_params or its alias params, not both',
    ],
    [
      'an unknown provider prefix',
      chat({ model: 'opnai/gpt-4o' }),
      '  - model_list[0].litellm_params.model: unknown provider "opnai" in "opnai/gpt-4o" (known providers: mock, openai, azure)',
    ],
    [
      'a model without a provider prefix',
      chat({ model: 'gpt-4o' }),
      '  - model_list[0].litellm_params.model: "gpt-4o" has no provider prefix; write it as <provider>/gpt-4o (known providers: mock, openai, azure)',
    ],
    [
      'a negative number',
      chat({ timeout: -5 }),
      '  - model_list[0].litellm_params.timeout: must be greater than 0',
    ],
    [
      'a fractional rate limit',
      chat({ tpm: 10.5 }),
      '  - model_list[0].litellm_params.tpm: must be a whole number',
    ],
    [
      'azure without api_base',
      chat({ model: 'azure/prod', api_key: 'k' }),
      '  - model_list[0].litellm_params.api_base: is required for azure/ models (e.g. https://<resource>.openai.azure.com)',
    ],
    [
      'an api_base that is not a URL',
      chat({ api_base: 'localhost:9000' }),
      '  - model_list[0].litellm_params.api_base: must be an http:// or https:// URL',
    ],
    [
      'an invalid header name',
      chat({ extra_headers: { 'bad header': 'x' } }),
      '  - model_list[0].litellm_params.extra_headers.bad header: is not a valid HTTP header name',
    ],
    [
      'a "*" in the provider model without a wildcard model_name',
      chat({ model: 'openai/*' }),
      '  - model_list[0].litellm_params.model: "*" in "openai/*" is only substituted when model_name is a wildcard too (e.g. openai/*)',
    ],
    [
      'a malformed env reference',
      chat({ api_key: 'os.environ/' }),
      '  - model_list[0].litellm_params.api_key: "os.environ/" is not a valid environment reference; write os.environ/VARIABLE_NAME',
    ],
    [
      'a fallback to a group that does not exist',
      { ...chat({}), router_settings: { fallbacks: [{ chat: ['claude'] }] } },
      '  - router_settings.fallbacks[0].chat[0]: "claude" is not a model_name in model_list',
    ],
    [
      'a routing strategy LiteLLM does not have',
      { ...chat({}), router_settings: { routing_strategy: 'round-robin' } },
      '  - router_settings.routing_strategy: Invalid option: expected one of "simple-shuffle"|"least-busy"|"latency-based-routing"|"usage-based-routing"|"usage-based-routing-v2"|"cost-based-routing"',
    ],
    [
      'an unsupported cache type',
      { ...chat({}), litellm_settings: { cache: true, cache_params: { type: 's3' } } },
      '  - litellm_settings.cache_params.type: Invalid option: expected one of "local"|"redis"|"redis-semantic"|"sqlite-semantic"',
    ],
    [
      'a config that is not a mapping',
      ['model_list'],
      '  - the config must be a mapping (model_list, router_settings, ...)',
    ],
  ])('%s', (_kind, config, line) => {
    expect(problemsOf(config)).toEqual([line]);
  });

  it('names a missing environment variable and where it is used', () => {
    expect(problemsOf(chat({ api_key: 'os.environ/MY_KEY' }), { OTHER: 'x' })).toEqual([
      '  - model_list[0].litellm_params.api_key: environment variable MY_KEY is not set (referenced as os.environ/MY_KEY)',
    ]);
    // An empty variable counts as unset: an empty credential is never what was meant.
    expect(problemsOf(chat({ api_key: 'os.environ/MY_KEY' }), { MY_KEY: '' })).toHaveLength(1);
  });

  it('reports an unresolved reference once, not again as a type error', () => {
    expect(problemsOf(chat({ timeout: 'os.environ/TIMEOUT' }))).toEqual([
      '  - model_list[0].litellm_params.timeout: environment variable TIMEOUT is not set (referenced as os.environ/TIMEOUT)',
    ]);
  });

  it('rejects a duplicate model_info.id, naming both entries', () => {
    const entry = { model_name: 'chat', litellm_params: { model: 'mock/echo' } };
    expect(
      problemsOf({
        model_list: [
          { ...entry, model_info: { id: 'one' } },
          { ...entry, model_info: { id: 'one' } },
        ],
      }),
    ).toEqual([
      '  - model_list[1].model_info.id: duplicate deployment id "one" (already used by model_list[0].model_info.id)',
    ]);
  });

  it('lists the providers of the adapter registry by default', () => {
    const error = configError(() =>
      parseConfig(chat({ model: 'nope/x' }), { source: undefined, env: {} }),
    );
    expect(error.message).toContain(`(known providers: ${KNOWN_PROVIDERS.join(', ')})`);
  });

  it('never echoes a secret in a message', () => {
    const error = configError(() =>
      parseConfig(chat({ model: 'azure/prod', api_key: 'sk-very-secret' }), {
        source: undefined,
        env: {},
        ...KNOWN,
      }),
    );
    expect(error.message).not.toContain('sk-very-secret');
  });
});

describe('config files with mistakes', () => {
  it('reports a YAML syntax error with the file, line and column', () => {
    const path = fixture('syntax-error.yaml');
    const error = configError(() => loadConfigFile(path, {}, KNOWN));
    expect(error.source).toBe(path);
    expect(error.problems).toEqual([
      {
        path: [],
        message: expect.stringMatching(/^YAML syntax error: Flow sequence/),
        line: 6,
        column: 1,
      },
    ]);
    expect(error.message).toMatch(
      new RegExp(
        `^Invalid config in ${path} \\(1 problem\\):\\n  - line 6, column 1: YAML syntax error`,
      ),
    );
  });

  it('reports every mistake at once, in file order, with paths and lines', () => {
    const path = fixture('invalid.yaml');
    const error = configError(() => loadConfigFile(path, {}, KNOWN));
    expect(error.problems.map((p) => [p.path.join('.'), p.line])).toEqual([
      ['model_list.0.litellm_params.api_key', 6],
      ['model_list.0.litellm_params.rpm', 7],
      ['model_list.1.model_name', 9],
      ['model_list.2.litellm_params.model', 13],
      ['model_list.3.litellm_params.timeout', 17],
      ['model_list.3.model_info.id', 18],
      ['model_list.4.litellm_params.api_base', 21],
      ['router_settings.fallbacks.0.chat.0', 24],
      ['router_settings.routing_strategy', 25],
    ]);
    expect(error.message.split('\n')[0]).toBe(`Invalid config in ${path} (9 problems):`);
    expect(error.message).toContain(
      '  - model_list[2].litellm_params.model (line 13, column 14): unknown provider "opnai"',
    );
    expect(error.message).not.toContain('azure-secret');
  });

  it('names the file when it cannot be read', () => {
    const path = fixture('does-not-exist.yaml');
    const error = configError(() => loadConfigFile(path, {}, KNOWN));
    expect(error.message).toContain(`Invalid config in ${path} (1 problem):`);
    expect(error.message).toContain('cannot read the file');
  });

  it('reports an alias to an undefined anchor', () => {
    const error = configError(() => loadConfigFile(fixture('bad-alias.yaml'), {}, KNOWN));
    expect(error.problems[0]?.message).toMatch(/^YAML error: /);
  });
});
