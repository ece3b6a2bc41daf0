import { createAzureAdapter } from '../../src/adapters/azure/azure-adapter.js';
import { makeDeployment } from '../support/adapter-harness.js';
import { loadChunks, loadJson, reply } from '../support/fake-upstream.js';
import { describeAdapterContract } from './adapter-contract.js';

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/azure/__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I help you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];

describeAdapterContract({
  name: 'azure',
  provider: 'azure',
  createAdapter: ({ upstreamUrl, pools }) =>
    createAzureAdapter(
      makeDeployment({
        provider: 'azure',
        providerModel: 'gpt-4o-prod',
        apiBase: upstreamUrl,
        apiKey: '0123456789abcdef0123456789abcdef',
      }),
      pools,
    ),
  scenarios: {
    text: async ({ upstream }) => {
      upstream.enqueue(reply.json(await loadJson(fixture('azure-text.json'))));
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('azure-text.chunks.txt'))));
      return { text: TEXT };
    },
    toolCall: async ({ upstream, mode }) => {
      upstream.enqueue(
        mode === 'generate'
          ? reply.json(await loadJson(fixture('azure-tool-call.json')))
          : reply.sse(await loadChunks(fixture('azure-tool-call.chunks.txt'))),
      );
      return { calls: WEATHER_CALLS };
    },
    rateLimited: async ({ upstream }) => {
      const body = await loadJson(fixture('azure-error-rate-limit.json'));
      upstream.enqueue(reply.error(429, body, { retryAfter: '6' }));
      return { retryAfterSeconds: 6 };
    },
    serverError: async ({ upstream }) => {
      upstream.enqueue(reply.error(500, await loadJson(fixture('azure-error-server.json'))));
    },
    malformedChunk: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('azure-text.chunks.txt'));
      // The prompt_filter_results chunk and the role chunk, then a truncated JSON chunk.
      upstream.enqueue(reply.sse([...chunks.slice(0, 3), '{"choices":[{"delta":{"content":"Hel']));
    },
  },
});
