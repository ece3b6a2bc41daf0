import { describe, expect, it } from 'vitest';
import { makeDeployment } from '../../../test/support/adapter-harness.js';
import { createAzureEndpoint } from './azure-endpoint.js';

const azure = (overrides: Parameters<typeof makeDeployment>[0] = {}) =>
  makeDeployment({
    provider: 'azure',
    providerModel: 'gpt-4o-prod',
    apiBase: 'https://contoso.openai.azure.com',
    apiKey: '0123456789abcdef0123456789abcdef',
    ...overrides,
  });

describe('createAzureEndpoint', () => {
  it('builds deployment URLs with the default api-version and an api-key header', () => {
    expect(createAzureEndpoint(azure())).toEqual({
      provider: 'azure',
      origin: 'https://contoso.openai.azure.com',
      paths: {
        chat: '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21',
        embeddings: '/openai/deployments/gpt-4o-prod/embeddings?api-version=2024-10-21',
      },
      headers: {
        'content-type': 'application/json',
        'api-key': '0123456789abcdef0123456789abcdef',
      },
    });
  });

  it('uses the deployment api-version', () => {
    const endpoint = createAzureEndpoint(azure({ apiVersion: '2025-01-01-preview' }));
    expect(endpoint.paths.chat).toBe(
      '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2025-01-01-preview',
    );
  });

  it.each([
    'https://contoso.openai.azure.com/',
    'https://contoso.openai.azure.com/openai',
    'https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod',
    'https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions',
    'https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21',
  ])('accepts the base %s', (apiBase) => {
    expect(createAzureEndpoint(azure({ apiBase })).paths.chat).toBe(
      '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21',
    );
  });

  it('keeps an api-version given in the base when the deployment names none', () => {
    const endpoint = createAzureEndpoint(
      azure({ apiBase: 'https://contoso.openai.azure.com?api-version=2024-06-01' }),
    );
    expect(endpoint.paths.embeddings).toBe(
      '/openai/deployments/gpt-4o-prod/embeddings?api-version=2024-06-01',
    );
  });

  it('encodes the deployment name', () => {
    expect(createAzureEndpoint(azure({ providerModel: 'my model/1' })).paths.chat).toBe(
      '/openai/deployments/my%20model%2F1/chat/completions?api-version=2024-10-21',
    );
  });

  it('needs an api_base', () => {
    expect(() => createAzureEndpoint(azure({ apiBase: undefined }))).toThrow(/needs an api_base/);
  });
});
