import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import type { AnthropicConversion } from './convert-anthropic-request.js';
import { enforceTargetSupport } from './enforce-target-support.js';

const conversion: AnthropicConversion = {
  request: { model: 'm', messages: [{ role: 'user', content: 'x' }] },
  unsupported: [{ param: 'top_k', reason: 'top-k sampling' }],
  cacheControl: true,
};

function sink(): { messages: string[]; warn(message: string): void } {
  const messages: string[] = [];
  return { messages, warn: (message) => messages.push(message) };
}

describe('enforceTargetSupport', () => {
  it('lets everything through to anthropic deployments and unknown models', () => {
    for (const providers of [['anthropic'], []]) {
      const warnings = sink();
      enforceTargetSupport(conversion, { providers, dropParams: false, warnings });
      expect(warnings.messages).toEqual([]);
    }
  });

  it('refuses, naming parameter and providers, when another provider may serve it', () => {
    let thrown: unknown;
    try {
      enforceTargetSupport(conversion, {
        providers: ['anthropic', 'openai', 'gemini', 'openai'],
        dropParams: false,
        warnings: sink(),
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ code: 'unsupported_parameter', param: 'top_k', status: 400 });
    expect((thrown as GatewayError).message).toMatch(/"top_k" is not supported by openai, gemini/);
  });

  it('drops with warnings under drop_params; cache_control is only ever a warning', () => {
    const warnings = sink();
    enforceTargetSupport(conversion, { providers: ['openai'], dropParams: true, warnings });
    expect(warnings.messages).toEqual([
      'dropped top_k: not supported by openai (top-k sampling)',
      'ignored cache_control: prompt caching breakpoints are honoured by anthropic deployments only',
    ]);
  });
});
