import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from './load-config.js';
import type { LoadedConfig } from './loaded-config.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

// Tests name their providers so they do not depend on which adapters have landed.
const KNOWN = { knownProviders: ['mock', 'openai', 'azure'] };

const ENV = {
  OPENAI_API_KEY: 'sk-openai-test',
  AZURE_API_BASE: 'https://acme.openai.azure.com',
  AZURE_API_KEY: 'azure-key-test',
  LONG_TIMEOUT: '120',
  TOLLGATE_MASTER_KEY: 'sk-master-test',
  DATABASE_URL: './data/tollgate.db',
};

describe('loadConfigFile', () => {
  it('loads a LiteLLM-style config into the resolved form', () => {
    const path = fixture('litellm-config.yaml');
    const expected: LoadedConfig = {
      source: path,
      deployments: [
        {
          id: 'openai-1',
          modelGroup: 'chat',
          provider: 'openai',
          providerModel: 'gpt-4o-mini',
          apiBase: 'http://127.0.0.1:9001/v1',
          apiKey: 'sk-openai-test',
          apiVersion: undefined,
          timeoutMs: 30_000,
          streamTimeoutMs: 10_000,
          extraHeaders: {},
          params: {
            rpm: 500,
            tpm: 200_000,
            input_cost_per_token: 0.00000015,
            output_cost_per_token: 0.0000006,
          },
          modelInfo: { id: 'openai-1' },
        },
        {
          // `params` alias, secrets and base from the environment, free-form model_info kept.
          id: 'azure-1',
          modelGroup: 'chat',
          provider: 'azure',
          providerModel: 'gpt-4o-mini-prod',
          apiBase: 'https://acme.openai.azure.com',
          apiKey: 'azure-key-test',
          apiVersion: '2024-10-21',
          timeoutMs: 300_000, // litellm_settings.request_timeout
          streamTimeoutMs: 15_000, // router_settings.stream_timeout
          extraHeaders: { 'x-team': 'search' },
          params: {},
          modelInfo: { id: 'azure-1', max_input_tokens: 128_000, base_model: 'azure/gpt-4o-mini' },
        },
        {
          id: 'claude#0',
          modelGroup: 'claude',
          provider: 'mock',
          providerModel: 'claude-stand-in',
          apiBase: undefined,
          apiKey: undefined,
          apiVersion: undefined,
          timeoutMs: 300_000,
          streamTimeoutMs: 15_000,
          extraHeaders: {},
          params: { mock_response: 'Hello from the fallback', mock_latency_ms: 20 },
          modelInfo: {},
        },
        {
          // A `<<:` merge of the anchored params, with an env-provided numeric timeout.
          id: 'long#0',
          modelGroup: 'long',
          provider: 'mock',
          providerModel: 'long-context',
          apiBase: undefined,
          apiKey: undefined,
          apiVersion: undefined,
          timeoutMs: 120_000,
          streamTimeoutMs: 15_000,
          extraHeaders: {},
          params: { mock_response: 'Hello from the fallback', mock_latency_ms: 20 },
          modelInfo: {},
        },
        {
          id: 'openai/*#0',
          modelGroup: 'openai/*',
          provider: 'openai',
          providerModel: '*',
          apiBase: undefined,
          apiKey: 'sk-openai-test',
          apiVersion: undefined,
          timeoutMs: 300_000,
          streamTimeoutMs: 15_000,
          extraHeaders: {},
          params: {},
          modelInfo: {},
        },
      ],
      routerSettings: {
        routingStrategy: 'simple-shuffle',
        numRetries: 2,
        allowedFails: 3,
        cooldownTime: 30,
        timeout: undefined,
        streamTimeout: 15,
        fallbacks: new Map([['chat', ['claude']]]),
        contextWindowFallbacks: new Map([['chat', ['long']]]),
        contentPolicyFallbacks: new Map([['chat', ['claude', 'openai/gpt-4o']]]),
        defaultFallbacks: [],
        retryPolicy: {},
      },
      litellmSettings: {
        dropParams: true,
        cache: true,
        cacheParams: { type: 'local', ttl: 600, similarity_threshold: 0.95 },
        requestTimeout: 300,
      },
      generalSettings: {
        masterKey: 'sk-master-test',
        databaseUrl: './data/tollgate.db',
        maxRequestBodyBytes: 20 * 1024 * 1024,
        disableSpendLogs: false,
        budgetReservationMaxTokens: undefined,
        alertWebhookUrl: undefined,
        keyExpiryAlertWindow: undefined,
      },
      warnings: [],
    };
    expect(loadConfigFile(path, ENV, KNOWN)).toEqual(expected);
  });

  it('reads an empty file as a config without models, with a warning', () => {
    const config = loadConfigFile(fixture('empty.yaml'), {}, KNOWN);
    expect(config.deployments).toEqual([]);
    expect(config.warnings).toEqual(['model_list is missing or empty: no models are served']);
  });
});

describe('parseConfig (library mode)', () => {
  it('accepts the same structure as an object, without modifying it', () => {
    const input = {
      model_list: [
        {
          model_name: 'chat',
          params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/OPENAI_API_KEY' },
        },
      ],
    };
    const before = structuredClone(input);
    const config = parseConfig(input, { source: undefined, env: ENV, ...KNOWN });
    expect(config.source).toBeUndefined();
    expect(config.deployments[0]).toMatchObject({
      id: 'chat#0',
      provider: 'openai',
      providerModel: 'gpt-4o-mini',
      apiKey: 'sk-openai-test',
    });
    expect(input).toEqual(before);
  });

  it('falls back through router_settings, request_timeout and the defaults for timeouts', () => {
    const entry = { model_name: 'chat', litellm_params: { model: 'mock/echo' } };
    const timeouts = (settings: Record<string, unknown>): [number, number] => {
      const [deployment] = parseConfig(
        { model_list: [entry], ...settings },
        { source: undefined, env: {}, ...KNOWN },
      ).deployments;
      return [deployment!.timeoutMs, deployment!.streamTimeoutMs];
    };
    expect(timeouts({})).toEqual([600_000, 120_000]);
    expect(timeouts({ litellm_settings: { request_timeout: 45 } })).toEqual([45_000, 120_000]);
    expect(
      timeouts({
        router_settings: { timeout: 20, stream_timeout: 2.5 },
        litellm_settings: { request_timeout: 45 },
      }),
    ).toEqual([20_000, 2_500]);
  });

  it('numbers groups for generated ids and keeps provider-specific params', () => {
    const config = parseConfig(
      {
        model_list: [
          { model_name: 'chat', litellm_params: { model: 'mock/a' }, model_info: { id: 7 } },
          { model_name: 'other', litellm_params: { model: 'mock/b' } },
          {
            model_name: 'chat',
            litellm_params: { model: 'mock/c', weight: 2, vertex_project: 'p', organization: 'o' },
          },
        ],
      },
      { source: undefined, env: {}, ...KNOWN },
    );
    expect(config.deployments.map((d) => d.id)).toEqual(['7', 'other#0', 'chat#1']);
    expect(config.deployments[2]!.params).toEqual({
      weight: 2,
      vertex_project: 'p',
      organization: 'o',
    });
  });

  it('merges fallbacks listed in several maps and reads them from litellm_settings too', () => {
    const config = parseConfig(
      {
        model_list: ['a', 'b', 'c'].map((name) => ({
          model_name: name,
          litellm_params: { model: `mock/${name}` },
        })),
        litellm_settings: { fallbacks: [{ a: ['b'] }, { a: ['c', 'b'], b: ['c'] }] },
      },
      { source: undefined, env: {}, ...KNOWN },
    );
    expect(config.routerSettings.fallbacks).toEqual(
      new Map([
        ['a', ['b', 'c']],
        ['b', ['c']],
      ]),
    );
  });
});
