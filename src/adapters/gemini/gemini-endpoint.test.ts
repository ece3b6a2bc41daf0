import { describe, expect, it } from 'vitest';
import { makeDeployment } from '../../../test/support/adapter-harness.js';
import { createGeminiTarget, geminiModelPath, operationPath } from './gemini-endpoint.js';

const gemini = (overrides: Parameters<typeof makeDeployment>[0] = {}) =>
  makeDeployment({
    provider: 'gemini',
    providerModel: 'gemini-2.5-flash',
    apiKey: 'AIza-key',
    ...overrides,
  });

describe('gemini endpoint', () => {
  it('defaults to the public Gemini API with x-goog-api-key', () => {
    const target = createGeminiTarget(gemini({ extraHeaders: { 'x-team': 'a' } }));
    expect(target).toEqual({
      origin: 'https://generativelanguage.googleapis.com',
      modelPath: '/v1beta/models/gemini-2.5-flash',
      query: '',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'AIza-key', 'x-team': 'a' },
      secrets: ['AIza-key'],
    });
    expect(operationPath(target, 'streamGenerateContent', { alt: 'sse' })).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
  });

  it.each([
    ['', '/v1beta/models/gemini-2.5-flash'],
    ['/', '/v1beta/models/gemini-2.5-flash'],
    ['/v1', '/v1/models/gemini-2.5-flash'],
    ['/proxy/v1beta', '/proxy/v1beta/models/gemini-2.5-flash'],
    ['/proxy', '/proxy/v1beta/models/gemini-2.5-flash'],
    ['/v1beta/models/gemini-2.5-flash', '/v1beta/models/gemini-2.5-flash'],
    ['/v1beta/models/gemini-2.5-flash:generateContent', '/v1beta/models/gemini-2.5-flash'],
  ])('base path "%s" → %s', (basePath, expected) => {
    expect(geminiModelPath(basePath.replace(/\/+$/, ''), 'gemini-2.5-flash')).toBe(expected);
  });

  it('keeps models/ and tunedModels/ names and encodes segments', () => {
    expect(geminiModelPath('', 'models/gemini-2.0-flash')).toBe('/v1beta/models/gemini-2.0-flash');
    expect(geminiModelPath('', 'tunedModels/my model')).toBe('/v1beta/tunedModels/my%20model');
  });

  it('keeps the query string of the base beside its own parameters', () => {
    const target = createGeminiTarget(gemini({ apiBase: 'https://proxy.example/v1beta?tenant=a' }));
    expect(operationPath(target, 'streamGenerateContent', { alt: 'sse' })).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?tenant=a&alt=sse',
    );
  });

  it('sends no key header without a key', () => {
    expect(createGeminiTarget(gemini({ apiKey: undefined })).headers).toEqual({
      'content-type': 'application/json',
    });
  });
});
