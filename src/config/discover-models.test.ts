import { describe, expect, it } from 'vitest';
import { discoverConfig } from './discover-models.js';

const MOCK_ECHO = {
  id: 'mock-echo',
  modelGroup: 'mock/echo',
  provider: 'mock',
  providerModel: 'echo',
  apiBase: undefined,
  apiKey: undefined,
  apiVersion: undefined,
  timeoutMs: 600_000,
  streamTimeoutMs: 120_000,
  extraHeaders: {},
  params: {},
  modelInfo: { id: 'mock-echo' },
};
const MOCK_WILDCARD = {
  ...MOCK_ECHO,
  id: 'mock',
  modelGroup: 'mock/*',
  providerModel: '*',
  modelInfo: { id: 'mock' },
};

const ALL_PROVIDERS = ['mock', 'openai', 'anthropic', 'gemini', 'bedrock', 'ollama'];

describe('discoverConfig', () => {
  it('always serves mock/echo and the mock/* wildcard, offline', () => {
    const config = discoverConfig({}, { knownProviders: ['mock', 'openai'] });
    expect(config.source).toBeUndefined();
    expect(config.deployments).toEqual([MOCK_ECHO, MOCK_WILDCARD]);
    // SPEC §1: the embedded defaults include the in-memory cache.
    expect(config.litellmSettings.cache).toBe(true);
    expect(config.litellmSettings.cacheParams).toEqual({ type: 'local' });
    expect(config.generalSettings).toEqual({
      masterKey: undefined,
      databaseUrl: undefined,
      maxRequestBodyBytes: undefined,
      disableSpendLogs: false,
      budgetReservationMaxTokens: undefined,
      alertWebhookUrl: undefined,
      keyExpiryAlertWindow: undefined,
    });
    expect(config.warnings).toEqual([]);
  });

  it('adds openai/* when OPENAI_API_KEY is set, with its base URL', () => {
    const config = discoverConfig(
      { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:9001/v1' },
      { knownProviders: ['mock', 'openai'] },
    );
    expect(config.deployments).toEqual([
      MOCK_ECHO,
      MOCK_WILDCARD,
      {
        ...MOCK_ECHO,
        id: 'openai',
        modelGroup: 'openai/*',
        provider: 'openai',
        providerModel: '*',
        apiBase: 'http://127.0.0.1:9001/v1',
        apiKey: 'sk-test',
        modelInfo: { id: 'openai' },
      },
    ]);
  });

  it('ignores an empty OPENAI_API_KEY and reads OPENAI_API_BASE as the LiteLLM spelling', () => {
    expect(
      discoverConfig({ OPENAI_API_KEY: '' }, { knownProviders: ['mock', 'openai'] }).deployments,
    ).toHaveLength(2);
    const [, , openai] = discoverConfig(
      { OPENAI_API_KEY: 'sk-test', OPENAI_API_BASE: 'https://api.groq.com/openai/v1' },
      { knownProviders: ['mock', 'openai'] },
    ).deployments;
    expect(openai?.apiBase).toBe('https://api.groq.com/openai/v1');
  });

  it('includes other providers only once their adapter is registered', () => {
    const env = {
      OPENAI_API_KEY: 'sk-openai',
      ANTHROPIC_API_KEY: 'sk-ant',
      GEMINI_API_KEY: 'gm-key',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      AWS_REGION: 'eu-west-1',
    };
    const groups = (knownProviders: string[]) =>
      discoverConfig(env, { knownProviders, ollamaReachable: true }).deployments.map(
        (d) => d.modelGroup,
      );
    expect(groups(['mock'])).toEqual(['mock/echo', 'mock/*']);
    expect(groups(ALL_PROVIDERS)).toEqual([
      'mock/echo',
      'mock/*',
      'openai/*',
      'anthropic/*',
      'gemini/*',
      'bedrock/*',
      'ollama/*',
    ]);
    const bedrock = discoverConfig(env, { knownProviders: ALL_PROVIDERS }).deployments.find(
      (d) => d.provider === 'bedrock',
    );
    expect(bedrock?.params).toEqual({
      aws_access_key_id: 'AKIA',
      aws_secret_access_key: 'aws-secret',
      aws_region_name: 'eu-west-1',
    });
  });

  it('lists ollama/* only for an Ollama that is there: reachable by default, or named', () => {
    const ollamaOf = (env: Record<string, string>, ollamaReachable: boolean) =>
      discoverConfig(env, { knownProviders: ALL_PROVIDERS, ollamaReachable }).deployments.find(
        (d) => d.provider === 'ollama',
      );
    expect(ollamaOf({}, false)).toBeUndefined();
    expect(ollamaOf({}, true)?.apiBase).toBe('http://127.0.0.1:11434');
    expect(ollamaOf({ OLLAMA_API_BASE: 'http://10.0.0.5:11434' }, false)?.apiBase).toBe(
      'http://10.0.0.5:11434',
    );
  });

  it('reads the master key and database URL from the environment', () => {
    const config = discoverConfig(
      { TOLLGATE_MASTER_KEY: 'sk-master', DATABASE_URL: '/var/lib/tollgate.db' },
      { knownProviders: ['mock'] },
    );
    expect(config.generalSettings).toEqual({
      masterKey: 'sk-master',
      databaseUrl: '/var/lib/tollgate.db',
      maxRequestBodyBytes: undefined,
      disableSpendLogs: false,
      budgetReservationMaxTokens: undefined,
      alertWebhookUrl: undefined,
      keyExpiryAlertWindow: undefined,
    });
  });

  it('uses the adapter registry when no provider list is given', () => {
    const groups = discoverConfig({}).deployments.map((d) => d.modelGroup);
    expect(groups.slice(0, 2)).toEqual(['mock/echo', 'mock/*']);
  });
});
