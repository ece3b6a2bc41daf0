import { describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import { makeDeployment } from '../../../test/support/adapter-harness.js';
import { operationPath } from '../gemini/gemini-endpoint.js';
import {
  createVertexEndpoint,
  defaultVertexOrigin,
  vertexModelPath,
} from './vertex-ai-endpoint.js';

const model = { project: 'my-project', location: 'us-central1', model: 'gemini-2.5-flash' };
const signal = new AbortController().signal;

describe('vertex_ai endpoint', () => {
  it('uses the regional host, or the global one for the global location', () => {
    expect(defaultVertexOrigin('europe-west4')).toBe(
      'https://europe-west4-aiplatform.googleapis.com',
    );
    expect(defaultVertexOrigin('global')).toBe('https://aiplatform.googleapis.com');
  });

  it.each([
    ['', '/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash'],
    [
      '/v1',
      '/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash',
    ],
    [
      '/v1beta1',
      '/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash',
    ],
    [
      '/proxy',
      '/proxy/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash',
    ],
    [
      '/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
      '/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash',
    ],
  ])('base path "%s" → %s', (basePath, expected) => {
    expect(vertexModelPath(basePath, model)).toBe(expected);
  });

  it('takes a model naming its publisher or its whole resource as it is', () => {
    expect(
      vertexModelPath('', { ...model, model: 'publishers/google/models/gemini-2.0-flash-001' }),
    ).toBe(
      '/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.0-flash-001',
    );
    expect(vertexModelPath('', { ...model, model: 'projects/p/locations/l/endpoints/123' })).toBe(
      '/v1/projects/p/locations/l/endpoints/123',
    );
  });

  it('calls the location host with api_key as a bearer token', async () => {
    const endpoint = createVertexEndpoint(
      makeDeployment({
        provider: 'vertex_ai',
        providerModel: 'gemini-2.5-pro',
        apiKey: 'ya29.ready-token',
        params: { vertex_project: 'my-project', vertex_location: 'global' },
      }),
      new UpstreamPools(),
    );
    const target = await endpoint.prepare(signal);
    expect(target).toEqual({
      origin: 'https://aiplatform.googleapis.com',
      modelPath: '/v1/projects/my-project/locations/global/publishers/google/models/gemini-2.5-pro',
      query: '',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ya29.ready-token' },
      secrets: ['ya29.ready-token'],
    });
    expect(operationPath(target, 'streamGenerateContent', { alt: 'sse' })).toBe(
      '/v1/projects/my-project/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
  });

  it('defaults the location to us-central1', async () => {
    const endpoint = createVertexEndpoint(
      makeDeployment({ provider: 'vertex_ai', apiKey: 't', params: { vertex_project: 'p' } }),
      new UpstreamPools(),
    );
    expect((await endpoint.prepare(signal)).origin).toBe(
      'https://us-central1-aiplatform.googleapis.com',
    );
  });

  it('fails a call when it has no way to authenticate', async () => {
    const endpoint = createVertexEndpoint(
      makeDeployment({ provider: 'vertex_ai', apiKey: undefined, params: { vertex_project: 'p' } }),
      new UpstreamPools(),
    );
    await expect(endpoint.prepare(signal)).rejects.toMatchObject({ code: 'upstream_auth_failed' });
  });
});
