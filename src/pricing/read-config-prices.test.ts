import { describe, expect, it } from 'vitest';
import type { ResolvedDeployment } from '../core/deployment.js';
import { readConfigPrices } from './read-config-prices.js';

function deployment(
  params: Record<string, unknown>,
  modelInfo: Record<string, unknown> = {},
): ResolvedDeployment {
  return {
    id: 'd',
    modelGroup: 'group',
    provider: 'mock',
    providerModel: 'echo',
    apiBase: undefined,
    apiKey: undefined,
    apiVersion: undefined,
    timeoutMs: 1,
    streamTimeoutMs: 1,
    extraHeaders: {},
    params,
    modelInfo,
  };
}

describe('readConfigPrices', () => {
  it('reads LiteLLM price settings as femto-USD per token, numbers or numeric text', () => {
    const prices = readConfigPrices(
      deployment({
        input_cost_per_token: 0.0000025,
        output_cost_per_token: '1e-5',
        cache_read_input_token_cost: ' 0.00000025 ',
        cache_creation_input_token_cost: 3.125e-6,
        output_cost_per_reasoning_token: 1e-5,
        input_cost_per_audio_token: 4e-5,
        output_cost_per_audio_token: 8e-5,
        mock_response: 'not a price',
      }),
    );
    expect(prices.invalidKeys).toEqual([]);
    expect(prices.fields).toEqual({
      input: { base: 2_500_000_000, tiers: [] },
      output: { base: 10_000_000_000, tiers: [] },
      cacheRead: { base: 250_000_000, tiers: [] },
      cacheWrite: { base: 3_125_000_000, tiers: [] },
      reasoning: { base: 10_000_000_000, tiers: [] },
      inputAudio: { base: 40_000_000_000, tiers: [] },
      outputAudio: { base: 80_000_000_000, tiers: [] },
    });
  });

  it('reads long-context tiers and lets litellm_params win over model_info', () => {
    const prices = readConfigPrices(
      deployment(
        { input_cost_per_token: 1e-6, input_cost_per_token_above_200k_tokens: 2e-6 },
        { input_cost_per_token: 9e-6, output_cost_per_token_above_128k_tokens: 3e-6 },
      ),
    );
    expect(prices.fields).toEqual({
      input: { base: 1_000_000_000, tiers: [{ above: 200_000, rate: 2_000_000_000 }] },
      output: { base: undefined, tiers: [{ above: 128_000, rate: 3_000_000_000 }] },
    });
  });

  it('reports values that are not non-negative numbers', () => {
    const prices = readConfigPrices(
      deployment({ input_cost_per_token: -1, output_cost_per_token: 'free', max_tokens: 10 }),
    );
    expect(prices.fields).toEqual({});
    expect(prices.invalidKeys).toEqual(['input_cost_per_token', 'output_cost_per_token']);
  });
});
