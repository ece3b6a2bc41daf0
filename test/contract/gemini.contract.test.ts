import { createGeminiAdapter } from '../../src/adapters/gemini/gemini-adapter.js';
import {
  readGeminiImage,
  readGeminiReasoningRequested,
  readGeminiSystemPrompt,
  readGeminiToolRoundTrip,
  readGeminiTurns,
} from '../../src/adapters/gemini/__fixtures__/read-gemini-request.js';
import { makeDeployment } from '../support/adapter-harness.js';
import { loadChunks, loadJson, reply, type FakeReply } from '../support/fake-upstream.js';
import { describeAdapterContract, type ArrangeContext } from './adapter-contract.js';

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/gemini/__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I help you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];

/** Gemini streams end with the body: no `[DONE]`. */
async function events(
  name: string,
  options: { resetAfterChunk?: number } = {},
): Promise<FakeReply> {
  return reply.sse(await loadChunks(fixture(name)), { done: false, ...options });
}

/** `<name>.json` for generate, `<name>.chunks.txt` for stream. */
async function answer(mode: ArrangeContext['mode'], name: string): Promise<FakeReply> {
  return mode === 'generate'
    ? reply.json(await loadJson(fixture(`${name}.json`)))
    : events(`${name}.chunks.txt`);
}

async function enqueueText({ upstream }: ArrangeContext): Promise<void> {
  upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
}

describeAdapterContract({
  name: 'gemini',
  provider: 'gemini',
  createAdapter: ({ upstreamUrl, pools }) =>
    createGeminiAdapter(
      makeDeployment({
        provider: 'gemini',
        providerModel: 'gemini-2.5-flash',
        apiBase: upstreamUrl,
        apiKey: 'AIzaSyD-contract-0123456789abcdefghij',
      }),
      pools,
    ),
  scenarios: {
    text: async (context) => {
      await enqueueText(context);
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(await events('gemini-text.chunks.txt'));
      return { text: TEXT };
    },
    systemPrompt: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readGeminiSystemPrompt };
    },
    multiTurn: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readGeminiTurns };
    },
    image: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readGeminiImage };
    },
    toolCall: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'gemini-tool-call'));
      return { calls: WEATHER_CALLS };
    },
    toolResult: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readGeminiToolRoundTrip };
    },
    parallelToolCalls: async ({ upstream }) => {
      // The two calls arrive whole, in two separate events.
      upstream.enqueue(await events('gemini-tool-call.chunks.txt'));
      return { calls: WEATHER_CALLS, text: '' };
    },
    structuredOutput: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'gemini-structured-output'));
      return { value: { city: 'Paris', temperature_c: 18 } };
    },
    reasoning: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'gemini-thinking'));
      return {
        text: '17 + 25 = 42.',
        reasoning: '**Calculating the sum**\n\nI am adding 17 and 25: 17 + 25 = 42.\n',
        reasoningTokens: 330,
        read: readGeminiReasoningRequested,
      };
    },
    rateLimited: async ({ upstream }) => {
      // No Retry-After header: the delay comes from the body's google.rpc.RetryInfo.
      upstream.enqueue(reply.error(429, await loadJson(fixture('gemini-error-rate-limit.json'))));
      return { retryAfterSeconds: 37 };
    },
    serverError: async ({ upstream }) => {
      upstream.enqueue(reply.error(500, await loadJson(fixture('gemini-error-server.json'))));
    },
    malformedChunk: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('gemini-text.chunks.txt'));
      upstream.enqueue(reply.sse([chunks[0] ?? '', '{"candidates": [{'], { done: false }));
    },
    connectionReset: async ({ upstream }) => {
      upstream.enqueue(await events('gemini-text.chunks.txt', { resetAfterChunk: 1 }));
      return { textBeforeReset: 'Hello' };
    },
    streamUsage: async ({ upstream }) => {
      upstream.enqueue(await events('gemini-text.chunks.txt'));
      // Thoughts count as completion (9 answer + 25 thought tokens), OpenAI style.
      return {
        usage: {
          prompt_tokens: 4,
          completion_tokens: 34,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 25 },
        },
      };
    },
  },
});
