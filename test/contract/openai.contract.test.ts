import { createOpenAIAdapter } from '../../src/adapters/openai/openai-adapter.js';
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
  new URL(`../../src/adapters/openai/__fixtures__/${name}`, import.meta.url);
const contractFixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I assist you today?';
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
  upstream.enqueue(reply.json(await loadJson(fixture('openai-text.json'))));
}

describeAdapterContract({
  name: 'openai',
  provider: 'openai',
  createAdapter: ({ upstreamUrl, pools }) =>
    createOpenAIAdapter(makeDeployment({ apiBase: `${upstreamUrl}/v1` }), pools),
  scenarios: {
    text: async (context) => {
      await enqueueText(context);
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('openai-text.chunks.txt'))));
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
        await answer(
          mode,
          fixture('openai-tool-call.json'),
          fixture('openai-tool-call.chunks.txt'),
        ),
      );
      return { calls: WEATHER_CALLS };
    },
    toolResult: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readOpenAIToolRoundTrip };
    },
    parallelToolCalls: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('openai-tool-call.chunks.txt'))));
      return { calls: WEATHER_CALLS, text: '' };
    },
    structuredOutput: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(
          mode,
          contractFixture('openai-structured-output.json'),
          contractFixture('openai-structured-output.chunks.txt'),
        ),
      );
      return { value: { city: 'Paris', temperature_c: 18 } };
    },
    reasoning: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(
          mode,
          contractFixture('openai-reasoning.json'),
          contractFixture('openai-reasoning.chunks.txt'),
        ),
      );
      // OpenAI's o-series keep the reasoning text hidden and report only its tokens.
      return {
        text: 'There are 3 r\'s in "strawberry".',
        reasoning: null,
        reasoningTokens: 192,
        read: readOpenAIReasoningRequested,
      };
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
    connectionReset: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('openai-text.chunks.txt'));
      // The role chunk, "Hello" and "!", then a TCP reset.
      upstream.enqueue(reply.sse(chunks, { resetAfterChunk: 3 }));
      return { textBeforeReset: 'Hello!' };
    },
    streamUsage: async ({ upstream }) => {
      upstream.enqueue(reply.sse(await loadChunks(fixture('openai-text.chunks.txt'))));
      return {
        usage: {
          prompt_tokens: 19,
          completion_tokens: 10,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      };
    },
  },
});
