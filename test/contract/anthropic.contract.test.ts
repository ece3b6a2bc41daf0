import { createAnthropicAdapter } from '../../src/adapters/anthropic/anthropic-adapter.js';
import { makeDeployment } from '../support/adapter-harness.js';
import { loadChunks, loadJson, reply, type FakeReply } from '../support/fake-upstream.js';
import { describeAdapterContract, type ArrangeContext } from './adapter-contract.js';
import { anthropicSse } from './anthropic-sse.js';
import {
  readAnthropicImage,
  readAnthropicSystemPrompt,
  readAnthropicThinkingRequested,
  readAnthropicToolRoundTrip,
  readAnthropicTurns,
} from './anthropic-wire-readers.js';

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/anthropic/__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I help you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];

/** The JSON fixture for generate, its `.chunks.txt` twin (framed as Anthropic SSE) for stream. */
async function answer(mode: ArrangeContext['mode'], name: string): Promise<FakeReply> {
  return mode === 'generate'
    ? reply.json(await loadJson(fixture(`${name}.json`)))
    : anthropicSse(await loadChunks(fixture(`${name}.chunks.txt`)));
}

async function enqueueText({ upstream }: ArrangeContext): Promise<void> {
  upstream.enqueue(reply.json(await loadJson(fixture('anthropic-text.json'))));
}

describeAdapterContract({
  name: 'anthropic',
  provider: 'anthropic',
  createAdapter: ({ upstreamUrl, pools }) =>
    createAnthropicAdapter(
      makeDeployment({
        provider: 'anthropic',
        providerModel: 'claude-sonnet-4-5-20250929',
        apiBase: upstreamUrl,
        apiKey: 'sk-ant-api03-test-0123456789abcdef',
      }),
      pools,
    ),
  scenarios: {
    text: async (context) => {
      await enqueueText(context);
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(anthropicSse(await loadChunks(fixture('anthropic-text.chunks.txt'))));
      return { text: TEXT };
    },
    systemPrompt: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readAnthropicSystemPrompt };
    },
    multiTurn: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readAnthropicTurns };
    },
    image: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readAnthropicImage };
    },
    toolCall: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'anthropic-tool-call'));
      return { calls: WEATHER_CALLS };
    },
    toolResult: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readAnthropicToolRoundTrip };
    },
    parallelToolCalls: async ({ upstream }) => {
      // A text block first: the calls are Anthropic content blocks 1 and 2, OpenAI indexes 0 and 1.
      upstream.enqueue(anthropicSse(await loadChunks(fixture('anthropic-tool-call.chunks.txt'))));
      return { calls: WEATHER_CALLS, text: "I'll check the weather in both cities." };
    },
    structuredOutput: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'anthropic-structured-output'));
      return { value: { city: 'Paris', temperature_c: 18 } };
    },
    reasoning: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'anthropic-thinking'));
      return {
        text: 'There are 3 r\'s in "strawberry".',
        reasoning:
          'The user asks how many r\'s are in "strawberry". s-t-r-a-w-b-e-r-r-y: r at positions 3, 8 and 9. That is 3.',
        // usage.output_tokens_details.thinking_tokens
        reasoningTokens: 38,
        read: readAnthropicThinkingRequested,
      };
    },
    rateLimited: async ({ upstream }) => {
      const body = await loadJson(fixture('anthropic-error-rate-limit.json'));
      upstream.enqueue(reply.error(429, body, { retryAfter: '12' }));
      return { retryAfterSeconds: 12 };
    },
    serverError: async ({ upstream }) => {
      upstream.enqueue(reply.error(500, await loadJson(fixture('anthropic-error-server.json'))));
    },
    malformedChunk: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('anthropic-text.chunks.txt'));
      upstream.enqueue(
        anthropicSse([...chunks.slice(0, 4), '{"type":"content_block_delta","index":0,"delta":{']),
      );
    },
    connectionReset: async ({ upstream }) => {
      const chunks = await loadChunks(fixture('anthropic-text.chunks.txt'));
      // message_start, content_block_start, ping, "Hello", "!", then a TCP reset.
      upstream.enqueue(anthropicSse(chunks, { resetAfterChunk: 5 }));
      return { textBeforeReset: 'Hello!' };
    },
    streamUsage: async ({ upstream }) => {
      upstream.enqueue(anthropicSse(await loadChunks(fixture('anthropic-text.chunks.txt'))));
      return {
        usage: {
          prompt_tokens: 12,
          completion_tokens: 12,
          prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      };
    },
  },
});
