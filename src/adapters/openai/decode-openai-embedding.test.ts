import { describe, expect, it } from 'vitest';
import { decodeBase64Embedding } from './decode-openai-embedding.js';

describe('decodeBase64Embedding', () => {
  it('decodes little-endian float32', () => {
    const bytes = Buffer.alloc(12);
    bytes.writeFloatLE(0.5, 0);
    bytes.writeFloatLE(-0.1, 4);
    bytes.writeFloatLE(3, 8);
    expect(decodeBase64Embedding(bytes.toString('base64'))).toEqual([0.5, Math.fround(-0.1), 3]);
  });

  it('rejects a length that is not whole float32s', () => {
    expect(decodeBase64Embedding(Buffer.alloc(6).toString('base64'))).toBeUndefined();
  });

  it('decodes an empty vector', () => {
    expect(decodeBase64Embedding('')).toEqual([]);
  });
});
