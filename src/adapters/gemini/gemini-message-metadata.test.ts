import { describe, expect, it } from 'vitest';
import { readGeminiSignatures } from './gemini-message-metadata.js';

describe('readGeminiSignatures', () => {
  it("reads this provider's entry first, then the other Google provider's", () => {
    const metadata = {
      gemini: { text_signature: 'g' },
      vertex_ai: { text_signature: 'v', tool_call_signatures: { a: 'x', b: 42 } },
    };
    expect(readGeminiSignatures(metadata, 'gemini')).toEqual({ text_signature: 'g' });
    expect(readGeminiSignatures(metadata, 'vertex_ai')).toEqual({
      text_signature: 'v',
      tool_call_signatures: { a: 'x' },
    });
    expect(readGeminiSignatures({ vertex_ai: { reasoning_signature: 'r' } }, 'gemini')).toEqual({
      reasoning_signature: 'r',
    });
  });

  it('ignores what is not a signature', () => {
    expect(readGeminiSignatures(undefined, 'gemini')).toEqual({});
    expect(readGeminiSignatures({ anthropic: { signature: 's' } }, 'gemini')).toEqual({});
    expect(readGeminiSignatures({ gemini: { text_signature: '' } }, 'gemini')).toEqual({});
  });
});
