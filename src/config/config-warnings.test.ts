import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { findUnknownKeys } from './find-unknown-keys.js';
import { loadConfigFile, parseConfig } from './load-config.js';
import { ACCEPTED_NOT_YET_IN_EFFECT } from './not-yet-in-effect.js';

const KNOWN = { knownProviders: ['mock', 'openai', 'azure'] };

describe('unknown keys', () => {
  it('are warned once each, with their path, and never fail the load', () => {
    const path = fileURLToPath(new URL('./__fixtures__/unknown-keys.yaml', import.meta.url));
    const config = loadConfigFile(path, {}, KNOWN);
    expect(config.warnings.filter((w) => w.startsWith('unknown key'))).toEqual([
      'unknown key "model_list[0].litellm_params.temperature" (passed to the provider adapter unchecked)',
      'unknown key "model_list[0].tags" (ignored)',
      'unknown key "router_settings.foo" (ignored)',
      'unknown key "router_settings.retry_policy.TypoErrorRetries" (ignored)',
      'unknown key "litellm_settings.success_callback" (ignored)',
      'unknown key "litellm_settings.cache_params.redis_flush_size" (ignored)',
      'unknown key "general_settings.alerting" (ignored)',
      'unknown key "environment_variables" (ignored)',
    ]);
    // model_info is free-form; unknown litellm_params still reach the adapter.
    expect(config.deployments[0]?.modelInfo).toEqual({ id: 'chat-1', mode: 'chat' });
    expect(config.deployments[0]?.params).toEqual({ temperature: 0.2 });
    expect(config.routerSettings.retryPolicy).toEqual({ RateLimitErrorRetries: 3 });
  });

  it('are found under the params alias and in every entry', () => {
    expect(
      findUnknownKeys(configSchema, {
        model_list: [
          { model_name: 'a', params: { model: 'mock/a', seed: 1 } },
          { model_name: 'b', litellm_params: { model: 'mock/b', seed: 1 } },
        ],
        router_settings: null,
      }),
    ).toEqual([
      { path: ['model_list', 0, 'params', 'seed'], handling: 'passed-to-adapter' },
      { path: ['model_list', 1, 'litellm_params', 'seed'], handling: 'passed-to-adapter' },
    ]);
  });
});

describe('settings accepted but not yet in effect', () => {
  const model = (name: string, params: Record<string, unknown> = {}) => ({
    model_name: name,
    litellm_params: { model: `mock/${name}`, ...params },
  });

  it('are warned once per setting, however many deployments set it', () => {
    const config = parseConfig(
      {
        model_list: [
          model('a', { max_tokens: 10 }),
          model('b', { max_tokens: 20 }),
          model('c', { max_tokens: 30 }),
        ],
      },
      { source: undefined, env: {}, ...KNOWN },
    );
    expect(config.warnings).toEqual([
      'setting "model_list[0].litellm_params.max_tokens" is accepted but not yet in effect (deployment defaults are not applied to requests yet); also set on 2 more model_list entries',
    ]);
  });

  it('are not warned when the value is what Tollgate does today', () => {
    const config = parseConfig(
      {
        model_list: [model('a')],
        router_settings: { routing_strategy: 'simple-shuffle', num_retries: 0, fallbacks: [] },
        litellm_settings: { cache: false, drop_params: true },
      },
      { source: undefined, env: {}, ...KNOWN },
    );
    expect(config.warnings).toEqual([]);
  });

  it('do not include the router settings and deployment limits, which the router enforces', () => {
    const config = parseConfig(
      {
        model_list: [model('a', { rpm: 10, tpm: 1000, weight: 2 }), model('b')],
        router_settings: {
          routing_strategy: 'usage-based-routing-v2',
          num_retries: 2,
          allowed_fails: 1,
          cooldown_time: 30,
          retry_policy: { RateLimitErrorRetries: 3 },
          fallbacks: [{ a: ['b'] }],
          context_window_fallbacks: [{ a: ['b'] }],
          content_policy_fallbacks: [{ a: ['b'] }],
          default_fallbacks: ['b'],
        },
        litellm_settings: { num_retries: 1, fallbacks: [{ b: ['a'] }] },
      },
      { source: undefined, env: {}, ...KNOWN },
    );
    expect(config.routerSettings.routingStrategy).toBe('usage-based-routing');
    expect(config.warnings).toEqual([]);
  });

  it('only lists keys the schema accepts', () => {
    const sections = {
      litellm_params: configSchema.shape.model_list.unwrap().unwrap().element.shape.litellm_params,
      router_settings: configSchema.shape.router_settings.unwrap().unwrap(),
      litellm_settings: configSchema.shape.litellm_settings.unwrap().unwrap(),
      general_settings: configSchema.shape.general_settings.unwrap().unwrap(),
    };
    for (const setting of ACCEPTED_NOT_YET_IN_EFFECT) {
      const section = sections[setting.section];
      const shape = 'unwrap' in section ? section.unwrap().shape : section.shape;
      expect(Object.keys(shape), `${setting.section}.${setting.key}`).toContain(setting.key);
    }
  });
});

describe('cache call types', () => {
  it('warns about a call type Tollgate does not cache, and accepts the ones it does', () => {
    const config = parseConfig(
      {
        model_list: [{ model_name: 'a', litellm_params: { model: 'openai/gpt-4o-mini' } }],
        litellm_settings: {
          cache: true,
          cache_params: {
            supported_call_types: ['acompletion', 'aembedding', 'atranscription', 'embeding'],
          },
        },
      },
      { source: undefined, env: {}, ...KNOWN },
    );
    expect(config.warnings).toEqual([
      'litellm_settings.cache_params.supported_call_types: "atranscription" is not cached (Tollgate caches chat completions and embeddings)',
      'litellm_settings.cache_params.supported_call_types: "embeding" is not cached (Tollgate caches chat completions and embeddings)',
    ]);
  });
});
