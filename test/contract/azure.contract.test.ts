import { createAzureAdapter } from '../../src/adapters/azure/azure-adapter.js';
import { makeDeployment } from '../support/adapter-harness.js';
import { loadChunks, loadJson, reply, type FakeReply } from '../support/fake-upstream.js';
import { describeAdapterContract, type ArrangeContext } from './adapter-contract.js';
import {
  readOpenAIImage,
  readOpenAIReasoningRequested,
  readOpenAISystemPrompt,
  readOpenAIToolRoundTrip,
  readOpenAITurns,
} from './openai-wire-readers.js';

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/azure/__fixtures__/${name}`, import.meta.url);
const contractFixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I help you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];

/** The JSON fixture for generate, its `.chunks.txt` twin for stream. */
async function answer(mode: ArrangeContext['mode'], json: URL, chunks: URL): Promise<FakeReply> {
  return mode === 'generate'
    ? reply.json(await loadJson(json))
    : reply.sse(await loadChunks(chunks));
}

async function enqueueText({ upstream }: ArrangeContext): Promise<void> {
  upstream.enqueue(reply.json(await loadJson(fixture('azure-text.json'))));
}

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
    text: async (context) => {
      await enqueueText(context);
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('azure-text.chunks.txt'))));
      return { text: TEXT };
    },
    systemPrompt: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readOpenAISystemPrompt };
    },
    multiTurn: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readOpenAITurns };
    },
    image: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readOpenAIImage };
    },
    toolCall: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(mode, fixture('azure-tool-call.json'), fixture('azure-tool-call.chunks.txt')),
      );
      return { calls: WEATHER_CALLS };
    },
    toolResult: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readOpenAIToolRoundTrip };
    },
    parallelToolCalls: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('azure-tool-call.chunks.txt'))));
      return { calls: WEATHER_CALLS, text: '' };
    },
    structuredOutput: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(
          mode,
          contractFixture('azure-structured-output.json'),
          contractFixture('azure-structured-output.chunks.txt'),
        ),
      );
      return { value: { city: 'Paris', temperature_c: 18 } };
    },
    reasoning: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(
          mode,
          contractFixture('azure-reasoning.json'),
          contractFixture('azure-reasoning.chunks.txt'),
        ),
      );
      // Azure's o-series deployments, like OpenAI's, report reasoning tokens but hide the text.
      return {
        text: 'There are 3 r\'s in "strawberry".',
        reasoning: null,
        reasoningTokens: 192,
        read: readOpenAIReasoningRequested,
      };
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
    connectionReset: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('azure-text.chunks.txt'));
      // prompt_filter_results, the role chunk, "Hello" and "!", then a TCP reset.
      upstream.enqueue(reply.sse(chunks, { resetAfterChunk: 4 }));
      return { textBeforeReset: 'Hello!' };
    },
    streamUsage: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('azure-text.chunks.txt'))));
      return {
        usage: {
          prompt_tokens: 18,
          completion_tokens: 9,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      };
    },
  },
});
