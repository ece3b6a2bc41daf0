import { describe, expect, it } from 'vitest';
import { makeDeployment } from '../../../test/support/adapter-harness.js';
import { claudeModelTraits, parseClaudeModel } from './anthropic-models.js';

describe('parseClaudeModel', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', { family: 'sonnet', version: 45 }],
    ['claude-opus-4-6', { family: 'opus', version: 46 }],
    ['claude-sonnet-4-20250514', { family: 'sonnet', version: 40 }],
    ['claude-opus-4-1-20250805', { family: 'opus', version: 41 }],
    ['claude-haiku-4-5@20251001', { family: 'haiku', version: 45 }],
    ['claude-opus-5', { family: 'opus', version: 50 }],
    ['claude-mythos-preview', { family: 'mythos', version: 0 }],
    ['claude-fable-5-1', { family: 'fable', version: 51 }],
    ['claude-3-7-sonnet-latest', { family: 'sonnet', version: 37 }],
    ['claude-3-5-haiku-20241022', { family: 'haiku', version: 35 }],
    ['claude-3-haiku-20240307', { family: 'haiku', version: 30 }],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', { family: 'sonnet', version: 35 }],
    ['my-fine-tune', undefined],
  ])('%s', (model, expected) => {
    expect(parseClaudeModel(model)).toEqual(expected);
  });
});

function traits(providerModel: string, modelInfo: Record<string, unknown> = {}) {
  return claudeModelTraits(makeDeployment({ provider: 'anthropic', providerModel, modelInfo }));
}

describe('claudeModelTraits', () => {
  it.each([
    ['claude-opus-4-6', 128_000, true, 'adaptive'],
    ['claude-sonnet-4-6', 64_000, true, 'adaptive'],
    ['claude-sonnet-4-5-20250929', 64_000, true, 'budget'],
    ['claude-haiku-4-5', 64_000, true, 'budget'],
    ['claude-opus-4-1-20250805', 32_000, false, 'budget'],
    ['claude-3-7-sonnet-20250219', 64_000, false, 'budget'],
    ['claude-3-5-haiku-20241022', 8192, false, 'budget'],
    ['claude-3-haiku-20240307', 4096, false, 'budget'],
    ['claude-fable-5', 4096, true, 'adaptive'],
    ['claude-mythos-preview', 4096, true, 'adaptive'],
    ['some-proxy-alias', 4096, false, 'budget'],
  ])('%s', (model, defaultMaxTokens, nativeStructuredOutput, thinkingMode) => {
    expect(traits(model)).toEqual({ defaultMaxTokens, nativeStructuredOutput, thinkingMode });
  });

  it('lets model_info override every rule', () => {
    expect(
      traits('some-proxy-alias', {
        max_output_tokens: 20_000,
        supports_response_schema: true,
        thinking_mode: 'adaptive',
      }),
    ).toEqual({ defaultMaxTokens: 20_000, nativeStructuredOutput: true, thinkingMode: 'adaptive' });
    expect(traits('claude-opus-4-6', { supports_response_schema: false })).toMatchObject({
      nativeStructuredOutput: false,
    });
  });
});
