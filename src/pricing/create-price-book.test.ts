import type { Mock } from 'vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedDeployment } from '../core/deployment.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { Usage } from '../core/usage.js';
import { createPriceBook } from './create-price-book.js';

/*
 * Expected costs are worked out by hand from the vendors' published prices (USD per million
 * tokens; $1/M is 1,000 nano-USD a token), not from the table, so a table that drifts from the
 * published price fails here.
 */

function deployment(
  provider: string,
  providerModel: string,
  extra: Partial<ResolvedDeployment> = {},
): ResolvedDeployment {
  return {
    id: `${provider}/${providerModel}`,
    modelGroup: 'group',
    provider,
    providerModel,
    apiBase: undefined,
    apiKey: undefined,
    apiVersion: undefined,
    timeoutMs: 60_000,
    streamTimeoutMs: 60_000,
    extraHeaders: {},
    params: {},
    modelInfo: {},
    ...extra,
  };
}

function recordingLogger(): { logger: Logger; warn: Mock<Logger['warn']> } {
  const warn = vi.fn<Logger['warn']>();
  return { logger: { ...silentLogger, warn }, warn };
}

const book = createPriceBook({ logger: silentLogger });

function cost(target: ResolvedDeployment, usage: Usage): number {
  return book.pricingFor(target).costNanos(usage);
}

describe('OpenAI usage (cached_tokens, reasoning_tokens)', () => {
  it('prices gpt-4.1 cached input at the cached price and reasoning at the output price', () => {
    // gpt-4.1: input $2, cached input $0.50, output $8 per million tokens.
    const usage: Usage = {
      prompt_tokens: 10_000,
      completion_tokens: 1_000,
      total_tokens: 11_000,
      prompt_tokens_details: { cached_tokens: 4_000, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 300, audio_tokens: 0 },
    };
    // 6_000 × $2 + 4_000 × $0.50 + 1_000 × $8 (per M) = $0.012 + $0.002 + $0.008
    expect(cost(deployment('openai', 'gpt-4.1'), usage)).toBe(22_000_000);
  });

  it('prices gpt-4o-mini, a dated snapshot id and o3-mini reasoning', () => {
    // gpt-4o-mini: input $0.15, cached $0.075, output $0.60.
    const usage: Usage = {
      prompt_tokens: 1_234,
      completion_tokens: 56,
      total_tokens: 1_290,
      prompt_tokens_details: { cached_tokens: 1_024 },
    };
    // 210 × 150 + 1_024 × 75 + 56 × 600 nano-USD
    expect(cost(deployment('openai', 'gpt-4o-mini'), usage)).toBe(141_900);
    expect(cost(deployment('openai', 'gpt-4o-mini-2024-07-18'), usage)).toBe(141_900);
    // o3-mini: input $1.10, output $4.40; its 4,000 reasoning tokens are output tokens.
    const reasoning: Usage = {
      prompt_tokens: 2_000,
      completion_tokens: 5_000,
      total_tokens: 7_000,
      completion_tokens_details: { reasoning_tokens: 4_000 },
    };
    expect(cost(deployment('openai', 'o3-mini'), reasoning)).toBe(2_200_000 + 22_000_000);
  });
});

describe('Anthropic usage (cache_creation_tokens, cached_tokens)', () => {
  // claude-sonnet-4-5: input $3, 5-minute cache write $3.75, cache read $0.30, output $15;
  // prompts over 200k tokens: $6, $7.50, $0.60, $22.50.
  const usage: Usage = {
    // Anthropic's input_tokens 1,000 + cache_creation_input_tokens 2,000 + cache_read 3,000.
    prompt_tokens: 6_000,
    completion_tokens: 500,
    total_tokens: 6_500,
    prompt_tokens_details: { cached_tokens: 3_000, cache_creation_tokens: 2_000 },
    completion_tokens_details: { reasoning_tokens: 200 },
  };
  // 1_000 × $3 + 2_000 × $3.75 + 3_000 × $0.30 + 500 × $15 (per M)
  const expected = 3_000_000 + 7_500_000 + 900_000 + 7_500_000;

  it('prices cache writes at the write price and reads at the read price', () => {
    expect(cost(deployment('anthropic', 'claude-sonnet-4-5'), usage)).toBe(expected);
    expect(cost(deployment('anthropic', 'claude-sonnet-4-5-20250929'), usage)).toBe(expected);
  });

  it('applies the long-context prices above 200k prompt tokens, cache included', () => {
    const long: Usage = {
      prompt_tokens: 210_000,
      completion_tokens: 2_000,
      total_tokens: 212_000,
      prompt_tokens_details: { cached_tokens: 100_000, cache_creation_tokens: 10_000 },
    };
    // 100_000 × $6 + 10_000 × $7.50 + 100_000 × $0.60 + 2_000 × $22.50
    expect(cost(deployment('anthropic', 'claude-sonnet-4-5'), long)).toBe(
      600_000_000 + 75_000_000 + 60_000_000 + 45_000_000,
    );
  });

  it('prices Claude on Bedrock (plain and cross-region ids) and on Vertex AI', () => {
    // Claude 3.5 Sonnet on Bedrock: $3, $3.75, $0.30, $15 per M.
    for (const id of [
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
      'converse/anthropic.claude-3-5-sonnet-20240620-v1:0',
    ]) {
      expect(cost(deployment('bedrock', id), usage)).toBe(expected);
    }
    expect(cost(deployment('vertex_ai', 'claude-sonnet-4-5@20250929'), usage)).toBe(expected);
  });
});

describe('Gemini usage (thoughts in completion_tokens, cached tokens, tiers)', () => {
  // gemini-2.5-pro: input $1.25, cached $0.125, output (thinking included) $10;
  // prompts over 200k tokens: $2.50, $0.25, $15.
  it('prices thoughts at the output price and cached input at the cache price', () => {
    const usage: Usage = {
      prompt_tokens: 10_000,
      completion_tokens: 3_000,
      total_tokens: 13_000,
      prompt_tokens_details: { cached_tokens: 4_000 },
      completion_tokens_details: { reasoning_tokens: 2_000 },
    };
    // 6_000 × $1.25 + 4_000 × $0.125 + 3_000 × $10
    const expected = 7_500_000 + 500_000 + 30_000_000;
    expect(cost(deployment('gemini', 'gemini-2.5-pro'), usage)).toBe(expected);
    expect(cost(deployment('vertex_ai', 'gemini-2.5-pro'), usage)).toBe(expected);
  });

  it('switches every token to the long-context price above 200k prompt tokens', () => {
    const atLimit: Usage = { prompt_tokens: 200_000, completion_tokens: 0, total_tokens: 200_000 };
    expect(cost(deployment('gemini', 'gemini-2.5-pro'), atLimit)).toBe(250_000_000);
    const long: Usage = {
      prompt_tokens: 300_000,
      completion_tokens: 1_000,
      total_tokens: 301_000,
      prompt_tokens_details: { cached_tokens: 100_000 },
      completion_tokens_details: { reasoning_tokens: 600 },
    };
    // 200_000 × $2.50 + 100_000 × $0.25 + 1_000 × $15
    expect(cost(deployment('gemini', 'gemini-2.5-pro'), long)).toBe(
      500_000_000 + 25_000_000 + 15_000_000,
    );
  });

  it('keeps sub-nano prices exact (gemini-1.5-flash cache reads, $0.01875/M)', () => {
    const usage: Usage = {
      prompt_tokens: 5,
      completion_tokens: 0,
      total_tokens: 5,
      prompt_tokens_details: { cached_tokens: 2 },
    };
    // 3 × 75 + 2 × 18.75 = 262.5 nano-USD → 263 (half up)
    expect(cost(deployment('gemini', 'gemini-1.5-flash'), usage)).toBe(263);
  });
});

describe('config prices', () => {
  const usage: Usage = {
    prompt_tokens: 6_000,
    completion_tokens: 500,
    total_tokens: 6_500,
    prompt_tokens_details: { cached_tokens: 3_000, cache_creation_tokens: 2_000 },
  };

  it('win over the table field by field', () => {
    const pricing = book.pricingFor(
      deployment('anthropic', 'claude-sonnet-4-5', {
        id: 'negotiated',
        params: { input_cost_per_token: '0.000001', output_cost_per_token: 0.00001 },
        // litellm_params beat model_info; the cache-read price only model_info sets.
        modelInfo: { input_cost_per_token: 0.000005, cache_read_input_token_cost: 1e-7 },
      }),
    );
    expect(pricing.source).toBe('config+genai-prices');
    // 1_000 × $1 (config) + 2_000 × $3.75 (table) + 3_000 × $0.10 (config) + 500 × $10 (config)
    expect(pricing.costNanos(usage)).toBe(1_000_000 + 7_500_000 + 300_000 + 5_000_000);
    // Above 200k the table's fields keep their tiers, the config's flat prices do not.
    const long: Usage = {
      prompt_tokens: 210_000,
      completion_tokens: 0,
      total_tokens: 210_000,
      prompt_tokens_details: { cache_creation_tokens: 10_000 },
    };
    expect(pricing.costNanos(long)).toBe(200_000 * 1_000 + 10_000 * 7_500);
  });

  it('price a mock deployment, which is otherwise free', () => {
    expect(book.pricingFor(deployment('mock', 'echo')).source).toBe('free');
    const pricing = book.pricingFor(
      deployment('mock', 'echo', {
        id: 'priced-mock',
        params: { input_cost_per_token: 0.000002, output_cost_per_token: '4e-6' },
      }),
    );
    expect(pricing).toMatchObject({ known: true, source: 'config' });
    const small: Usage = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 };
    expect(pricing.costNanos(small)).toBe(100 * 2_000 + 50 * 4_000);
    expect(pricing.maxCostNanos({ promptBytes: 400, maxOutputTokens: 50 })).toBe(
      400 * 2_000 + 50 * 4_000,
    );
  });

  it('price a model the table does not know, without a warning', () => {
    const { logger, warn } = recordingLogger();
    const pricing = createPriceBook({ logger }).pricingFor(
      deployment('openai', 'in-house-model', {
        params: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
      }),
    );
    expect(pricing).toMatchObject({ known: true, source: 'config' });
    expect(warn).not.toHaveBeenCalled();
  });

  it('warn about settings that are not prices, and ignore them', () => {
    const { logger, warn } = recordingLogger();
    const pricing = createPriceBook({ logger }).pricingFor(
      deployment('openai', 'gpt-4.1', { params: { input_cost_per_token: 'cheap' } }),
    );
    expect(pricing.source).toBe('genai-prices');
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ keys: ['input_cost_per_token'] });
  });
});

describe('Azure deployments', () => {
  const usage: Usage = {
    prompt_tokens: 1_234,
    completion_tokens: 56,
    total_tokens: 1_290,
    prompt_tokens_details: { cached_tokens: 1_024 },
  };

  it('are priced as model_info.base_model', () => {
    const target = deployment('azure', 'prod-east', {
      modelInfo: { base_model: 'azure/gpt-4o-mini' },
    });
    expect(cost(target, usage)).toBe(141_900);
  });

  it('fall back to the deployment name, then to unknown with a hint', () => {
    expect(cost(deployment('azure', 'gpt-4o-mini'), usage)).toBe(141_900);
    const { logger, warn } = recordingLogger();
    const pricing = createPriceBook({ logger }).pricingFor(deployment('azure', 'prod-east'));
    expect(pricing).toMatchObject({ known: false, source: 'unknown' });
    expect(warn.mock.calls[0]?.[1]).toMatchObject({
      hint: expect.stringContaining('base_model'),
    });
  });
});

describe('unknown and free models', () => {
  it('cost 0 with exactly one warning per model', () => {
    const { logger, warn } = recordingLogger();
    const prices = createPriceBook({ logger });
    const first = prices.pricingFor(deployment('openai', 'no-such-model', { id: 'a' }));
    const second = prices.pricingFor(deployment('openai', 'no-such-model', { id: 'b' }));
    prices.pricingFor(deployment('openai', 'no-such-model', { id: 'a' }));
    expect(first).toMatchObject({ known: false, source: 'unknown' });
    expect(second.known).toBe(false);
    const usage: Usage = { prompt_tokens: 100, completion_tokens: 100, total_tokens: 200 };
    expect(first.costNanos(usage)).toBe(0);
    expect(first.maxCostNanos({ promptBytes: 1_000, maxOutputTokens: 1_000 })).toBe(0);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[1]).toMatchObject({
      provider: 'openai',
      model: 'no-such-model',
    });
  });

  it('Ollama is free and not warned about', () => {
    const { logger, warn } = recordingLogger();
    const pricing = createPriceBook({ logger }).pricingFor(deployment('ollama', 'llama3.1:8b'));
    expect(pricing).toMatchObject({ known: true, source: 'free' });
    const usage: Usage = { prompt_tokens: 100, completion_tokens: 100, total_tokens: 200 };
    expect(pricing.costNanos(usage)).toBe(0);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('lookups', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('are memoised by deployment id', () => {
    const prices = createPriceBook({ logger: silentLogger });
    const target = deployment('openai', 'gpt-4.1');
    const pricing = prices.pricingFor(target);
    expect(prices.pricingFor(target)).toBe(pricing);
    expect(prices.pricingFor({ ...target })).toBe(pricing);
  });

  it('never touch the network', () => {
    const fetch = vi.fn(() => Promise.reject(new Error('offline')));
    vi.stubGlobal('fetch', fetch);
    const prices = createPriceBook({ logger: silentLogger });
    expect(prices.pricingFor(deployment('anthropic', 'claude-opus-4-1')).known).toBe(true);
    expect(prices.pricingFor(deployment('openai', 'not-a-model')).known).toBe(false);
    expect(fetch).not.toHaveBeenCalled();
  });
});
