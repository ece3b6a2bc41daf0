import { describe, expect, it } from 'vitest';
import { estimatePromptTokens, estimateTokens } from './estimate-tokens.js';

describe('token estimates', () => {
  it('counts with the o200k_base tokenizer', async () => {
    expect(await estimateTokens('')).toBe(0);
    expect(await estimateTokens('Hello, gateway! How are you today?')).toBe(9);
  });

  it('adds per-message framing to prompt estimates', async () => {
    const single = await estimatePromptTokens([{ role: 'user', content: 'Hello' }]);
    expect(single).toBe(3 + 3 + 1);
  });
});
