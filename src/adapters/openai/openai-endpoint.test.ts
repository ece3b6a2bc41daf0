import { describe, expect, it } from 'vitest';
import { makeDeployment } from '../../../test/support/adapter-harness.js';
import { createOpenAIEndpoint } from './openai-endpoint.js';

describe('createOpenAIEndpoint', () => {
  it('defaults to https://api.openai.com/v1 with a bearer key', () => {
    expect(createOpenAIEndpoint(makeDeployment({ apiKey: 'sk-abc' }))).toEqual({
      provider: 'openai',
      origin: 'https://api.openai.com',
      paths: { chat: '/v1/chat/completions', embeddings: '/v1/embeddings' },
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-abc' },
    });
  });

  it.each([
    ['http://127.0.0.1:9001/v1', '/v1/chat/completions', '/v1/embeddings'],
    ['http://127.0.0.1:9001/v1/', '/v1/chat/completions', '/v1/embeddings'],
    ['http://127.0.0.1:9001/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings'],
    ['https://api.groq.com/openai/v1', '/openai/v1/chat/completions', '/openai/v1/embeddings'],
    [
      'http://localhost:8000/v1?tenant=a',
      '/v1/chat/completions?tenant=a',
      '/v1/embeddings?tenant=a',
    ],
  ])('appends the standard paths to %s', (apiBase, chat, embeddings) => {
    expect(createOpenAIEndpoint(makeDeployment({ apiBase })).paths).toEqual({ chat, embeddings });
  });

  it('sends no authorization without a key, and adds extra headers last', () => {
    const endpoint = createOpenAIEndpoint(
      makeDeployment({
        apiBase: 'http://127.0.0.1:11434/v1',
        apiKey: undefined,
        extraHeaders: { 'openai-organization': 'org-1', 'content-type': 'application/json; x=1' },
      }),
    );
    expect(endpoint.origin).toBe('http://127.0.0.1:11434');
    expect(endpoint.headers).toEqual({
      'content-type': 'application/json; x=1',
      'openai-organization': 'org-1',
    });
  });
});
