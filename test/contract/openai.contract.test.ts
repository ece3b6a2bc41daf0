import { createOpenAIAdapter } from '../../src/adapters/openai/openai-adapter.js';
import { makeDeployment } from '../support/adapter-harness.js';
import { loadChunks, loadJson, reply } from '../support/fake-upstream.js';
import { describeAdapterContract } from './adapter-contract.js';

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/openai/__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I assist you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];

describeAdapterContract({
  name: 'openai',
  provider: 'openai',
  createAdapter: ({ upstreamUrl, pools }) =>
    createOpenAIAdapter(makeDeployment({ apiBase: `${upstreamUrl}/v1` }), pools),
  scenarios: {
    text: async ({ upstream }) => {
      upstream.enqueue(reply.json(await loadJson(fixture('openai-text.json'))));
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('openai-text.chunks.txt'))));
      return { text: TEXT };
    },
    toolCall: async ({ upstream, mode }) => {
      upstream.enqueue(
        mode === 'generate'
          ? reply.json(await loadJson(fixture('openai-tool-call.json')))
          : reply.sse(await loadChunks(fixture('openai-tool-call.chunks.txt'))),
      );
      return { calls: WEATHER_CALLS };
    },
    rateLimited: async ({ upstream }) => {
      const body = await loadJson(fixture('openai-error-rate-limit.json'));
      upstream.enqueue(reply.error(429, body, { retryAfter: '20' }));
      return { retryAfterSeconds: 20 };
    },
    serverError: async ({ upstream }) => {
      upstream.enqueue(reply.error(500, await loadJson(fixture('openai-error-server.json'))));
    },
    malformedChunk: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('openai-text.chunks.txt'));
      upstream.enqueue(reply.sse([...chunks.slice(0, 2), '{"id":"chatcmpl-1","choices":[{']));
    },
  },
});
