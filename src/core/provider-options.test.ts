import { describe, expect, it } from 'vitest';
import { GatewayError } from './errors.js';
import { mergeProviderOptions, unsupportedParameter } from './provider-options.js';

describe('provider options', () => {
  it('deep-merges objects and replaces everything else', () => {
    const native = { model: 'm', thinking: { type: 'enabled', budget_tokens: 1024 }, stop: ['a'] };
    expect(
      mergeProviderOptions(native, { thinking: { budget_tokens: 4096 }, stop: ['b'], top_k: 5 }),
    ).toEqual({
      model: 'm',
      thinking: { type: 'enabled', budget_tokens: 4096 },
      stop: ['b'],
      top_k: 5,
    });
    expect(native.thinking.budget_tokens).toBe(1024);
  });

  it('refuses an unsupported parameter with a 400 naming it and the provider', () => {
    const warnings: string[] = [];
    const options = { dropParams: false, warnings: { warn: (m: string) => warnings.push(m) } };
    const failure = (() => {
      try {
        unsupportedParameter(options, { provider: 'anthropic', param: 'logit_bias' });
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({
      code: 'unsupported_parameter',
      status: 400,
      param: 'logit_bias',
      layer: 'client',
    });
    expect((failure as Error).message).toContain('anthropic');
  });

  it('drops it with a warning under drop_params', () => {
    const warnings: string[] = [];
    unsupportedParameter(
      { dropParams: true, warnings: { warn: (m: string) => warnings.push(m) } },
      { provider: 'ollama', param: 'n', reason: 'one choice only' },
    );
    expect(warnings).toEqual(['dropped n: not supported by ollama (one choice only)']);
  });
});
