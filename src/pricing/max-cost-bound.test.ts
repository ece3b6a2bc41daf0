import { describe, expect, it } from 'vitest';
import type { ResolvedDeployment } from '../core/deployment.js';
import { silentLogger } from '../core/logger.js';
import type { Usage } from '../core/usage.js';
import { createPriceBook } from './create-price-book.js';
import { mulberry32 } from '../core/seeded-random.js';

function deployment(
  provider: string,
  providerModel: string,
  params: Record<string, unknown> = {},
): ResolvedDeployment {
  return {
    id: `${provider}/${providerModel}/${Object.keys(params).length}`,
    modelGroup: 'group',
    provider,
    providerModel,
    apiBase: undefined,
    apiKey: undefined,
    apiVersion: undefined,
    timeoutMs: 1,
    streamTimeoutMs: 1,
    extraHeaders: {},
    params,
    modelInfo: {},
  };
}

const DEPLOYMENTS = [
  deployment('anthropic', 'claude-sonnet-4-5'),
  deployment('gemini', 'gemini-2.5-pro'),
  deployment('gemini', 'gemini-1.5-flash'),
  deployment('openai', 'gpt-4o-mini'),
  deployment('openai', 'gpt-5.4'),
  deployment('bedrock', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0'),
  // Config prices with every kind priced and a tier, including a cheaper-than-input output.
  deployment('mock', 'echo', {
    input_cost_per_token: 3e-6,
    output_cost_per_token: 1e-6,
    cache_read_input_token_cost: 3e-7,
    cache_creation_input_token_cost: 3.75e-6,
    output_cost_per_reasoning_token: 2e-6,
    input_cost_per_audio_token: 4e-5,
    output_cost_per_audio_token: 8e-5,
    input_cost_per_token_above_128k_tokens: 6e-6,
  }),
  // Sub-nano rates (18.75 and 37.5 nano-USD a token): the bound must round up, not down.
  deployment('mock', 'fractional', {
    input_cost_per_token: 1.875e-8,
    output_cost_per_token: 3.75e-8,
  }),
];

/** Up to `max`, often right at the 128k/200k/272k tier edges, where a wrong bound would show. */
function count(next: () => number, max: number): number {
  const edges = [128_000, 200_000, 271_999, 272_000];
  const edge = edges[Math.floor(next() * edges.length)] ?? 0;
  const value = next() < 0.3 ? edge + Math.floor(next() * 5) - 2 : Math.floor(next() * max);
  return Math.max(0, Math.min(max, value));
}

/** Splits `total` into random parts that add up to at most `total`. */
function share(next: () => number, total: number): number {
  return Math.floor(next() * (total + 1));
}

/** A usage consistent with the bound: prompt ≤ promptBytes, completion ≤ maxOutputTokens. */
function usageWithin(next: () => number, promptBytes: number, maxOutputTokens: number): Usage {
  const prompt = next() < 0.5 ? promptBytes : share(next, promptBytes);
  const completion = next() < 0.5 ? maxOutputTokens : share(next, maxOutputTokens);
  const cached = share(next, prompt);
  const written = share(next, prompt - cached);
  const audioIn = share(next, prompt - cached - written);
  const reasoning = share(next, completion);
  const audioOut = share(next, completion - reasoning);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: {
      cached_tokens: cached,
      cache_creation_tokens: written,
      audio_tokens: audioIn,
    },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: audioOut },
  };
}

describe('maxCostNanos', () => {
  it('bounds costNanos for every usage consistent with the bound', () => {
    const book = createPriceBook({ logger: silentLogger });
    const next = mulberry32(20_240_601);
    for (const target of DEPLOYMENTS) {
      const pricing = book.pricingFor(target);
      expect(pricing.known).toBe(true);
      for (let round = 0; round < 2_000; round++) {
        const promptBytes = count(next, 400_000);
        const maxOutputTokens = count(next, 64_000);
        const bound = pricing.maxCostNanos({ promptBytes, maxOutputTokens });
        const usage = usageWithin(next, promptBytes, maxOutputTokens);
        const cost = pricing.costNanos(usage);
        expect(Number.isSafeInteger(cost)).toBe(true);
        expect(Number.isSafeInteger(bound)).toBe(true);
        if (cost > bound) {
          expect.fail(`${target.id}: cost ${cost} > bound ${bound} for ${JSON.stringify(usage)}`);
        }
      }
    }
  });
});
