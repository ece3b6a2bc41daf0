import { afterAll } from 'vitest';
import {
  readGeminiImage,
  readGeminiReasoningRequested,
  readGeminiSystemPrompt,
  readGeminiToolRoundTrip,
  readGeminiTurns,
} from '../../src/adapters/gemini/__fixtures__/read-gemini-request.js';
import { createTestServiceAccount } from '../../src/adapters/vertex-ai/__fixtures__/service-account.js';
import { createVertexAIAdapter } from '../../src/adapters/vertex-ai/vertex-ai-adapter.js';
import { makeDeployment } from '../support/adapter-harness.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeReply,
} from '../support/fake-upstream.js';
import { describeAdapterContract, type ArrangeContext } from './adapter-contract.js';

/**
 * Vertex AI runs the contract with real service-account auth: each adapter signs a JWT and
 * exchanges it at a token endpoint of its own (a second fake upstream, always answering with a
 * token), so the contract's upstream sees only the model calls.
 */

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/vertex-ai/__fixtures__/${name}`, import.meta.url);
/** Bodies are the Gemini API's: the reasoning and structured-output fixtures are shared. */
const geminiFixture = (name: string): URL =>
  new URL(`../../src/adapters/gemini/__fixtures__/${name}`, import.meta.url);

const tokenEndpoint = await startFakeUpstream();
tokenEndpoint.setDefault(reply.json(await loadJson(fixture('vertex-ai-token.json'))));
const account = await createTestServiceAccount(`${tokenEndpoint.url}/token`);
afterAll(() => tokenEndpoint.close());

const TEXT = 'Hello! How can I help you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];

async function events(url: URL, options: { resetAfterChunk?: number } = {}): Promise<FakeReply> {
  return reply.sse(await loadChunks(url), { done: false, ...options });
}

async function answer(mode: ArrangeContext['mode'], json: URL, chunks: URL): Promise<FakeReply> {
  return mode === 'generate' ? reply.json(await loadJson(json)) : events(chunks);
}

async function enqueueText({ upstream }: ArrangeContext): Promise<void> {
  upstream.enqueue(reply.json(await loadJson(fixture('vertex-ai-text.json'))));
}

describeAdapterContract({
  name: 'vertex_ai',
  provider: 'vertex_ai',
  createAdapter: ({ upstreamUrl, pools }) =>
    createVertexAIAdapter(
      makeDeployment({
        provider: 'vertex_ai',
        providerModel: 'gemini-2.5-flash',
        apiBase: upstreamUrl,
        apiKey: undefined,
        params: { vertex_credentials: account.json, vertex_location: 'us-east5' },
      }),
      pools,
    ),
  scenarios: {
    text: async (context) => {
      await enqueueText(context);
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(await events(fixture('vertex-ai-text.chunks.txt')));
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
      upstream.enqueue(
        await answer(
          mode,
          fixture('vertex-ai-tool-call.json'),
          fixture('vertex-ai-tool-call.chunks.txt'),
        ),
      );
      return { calls: WEATHER_CALLS };
    },
    toolResult: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readGeminiToolRoundTrip };
    },
    parallelToolCalls: async ({ upstream }) => {
      // Both calls arrive whole in one event.
      upstream.enqueue(await events(fixture('vertex-ai-tool-call.chunks.txt')));
      return { calls: WEATHER_CALLS, text: '' };
    },
    structuredOutput: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(
          mode,
          geminiFixture('gemini-structured-output.json'),
          geminiFixture('gemini-structured-output.chunks.txt'),
        ),
      );
      return { value: { city: 'Paris', temperature_c: 18 } };
    },
    reasoning: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(
          mode,
          geminiFixture('gemini-thinking.json'),
          geminiFixture('gemini-thinking.chunks.txt'),
        ),
      );
      return {
        text: '17 + 25 = 42.',
        reasoning: '**Calculating the sum**\n\nI am adding 17 and 25: 17 + 25 = 42.\n',
        reasoningTokens: 330,
        read: readGeminiReasoningRequested,
      };
    },
    rateLimited: async ({ upstream }) => {
      const body = await loadJson(fixture('vertex-ai-error-rate-limit.json'));
      upstream.enqueue(reply.error(429, body, { retryAfter: '20' }));
      return { retryAfterSeconds: 20 };
    },
    serverError: async ({ upstream }) => {
      upstream.enqueue(reply.error(500, await loadJson(fixture('vertex-ai-error-server.json'))));
    },
    malformedChunk: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('vertex-ai-text.chunks.txt'));
      upstream.enqueue(
        reply.sse([chunks[0] ?? '', '{"candidates": [{"content": '], { done: false }),
      );
    },
    connectionReset: async ({ upstream }) => {
      upstream.enqueue(await events(fixture('vertex-ai-text.chunks.txt'), { resetAfterChunk: 1 }));
      return { textBeforeReset: 'Hello! How' };
    },
    streamUsage: async ({ upstream }) => {
      upstream.enqueue(await events(fixture('vertex-ai-text.chunks.txt')));
      return {
        usage: {
          prompt_tokens: 4,
          completion_tokens: 27,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 18 },
        },
      };
    },
  },
});
