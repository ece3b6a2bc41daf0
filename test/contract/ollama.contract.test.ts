import { z } from 'zod';
import { ndjsonReply } from '../../src/adapters/ollama/__fixtures__/ndjson-reply.js';
import { createOllamaAdapter } from '../../src/adapters/ollama/ollama-adapter.js';
import { estimateTokens } from '../../src/core/estimate-tokens.js';
import { makeDeployment } from '../support/adapter-harness.js';
import {
  loadChunks,
  loadJson,
  reply,
  type FakeReply,
  type RecordedRequest,
} from '../support/fake-upstream.js';
import { describeAdapterContract, type ArrangeContext, type SentTurn } from './adapter-contract.js';

/** The contract for `ollama/` (native `/api/chat`, NDJSON streams). */

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/ollama/__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I help you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];
const THINKING = 'The user wants 27 * 453. That is 12231.';

// --- Reading the /api/chat body the upstream received ---------------------------------------

const messageSchema = z
  .object({
    role: z.string(),
    content: z.string(),
    images: z.array(z.string()).optional(),
    tool_calls: z
      .array(
        z.object({
          id: z.string().optional(),
          function: z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()) }),
        }),
      )
      .optional(),
    tool_call_id: z.string().optional(),
  })
  .loose();

const bodySchema = z
  .object({
    messages: z.array(messageSchema),
    think: z.union([z.boolean(), z.string()]).optional(),
  })
  .loose();

const chat = (request: RecordedRequest) => bodySchema.parse(request.body);

function readTurns(request: RecordedRequest): SentTurn[] {
  return chat(request).messages.flatMap((message): SentTurn[] =>
    message.role === 'user' || message.role === 'assistant'
      ? [{ role: message.role, text: message.content }]
      : [],
  );
}

function readImage(request: RecordedRequest) {
  const user = chat(request).messages.find((message) => message.role === 'user');
  // Ollama's images carry no media type.
  return { mediaType: undefined, base64: user?.images?.[0] ?? '', text: user?.content ?? '' };
}

function readToolRoundTrip(request: RecordedRequest) {
  const { messages } = chat(request);
  const call = messages.find((message) => message.role === 'assistant')?.tool_calls?.[0];
  const result = messages.find((message) => message.role === 'tool');
  return {
    call: { id: call?.id, name: call?.function.name ?? '', arguments: call?.function.arguments },
    result: {
      callId: result?.tool_call_id,
      content: JSON.parse(result?.content ?? 'null') as unknown,
    },
  };
}

// --- Scripting the upstream -----------------------------------------------------------------

async function answer(
  mode: ArrangeContext['mode'],
  json: string,
  chunks: string,
): Promise<FakeReply> {
  return mode === 'generate'
    ? reply.json(await loadJson(fixture(json)))
    : ndjsonReply(await loadChunks(fixture(chunks)));
}

async function enqueueText({ upstream }: ArrangeContext): Promise<void> {
  upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
}

describeAdapterContract({
  name: 'ollama',
  provider: 'ollama',
  createAdapter: ({ upstreamUrl, pools }) =>
    createOllamaAdapter(
      makeDeployment({
        provider: 'ollama',
        providerModel: 'qwen3',
        apiBase: upstreamUrl,
        apiKey: undefined,
      }),
      pools,
    ),
  scenarios: {
    text: async (context) => {
      await enqueueText(context);
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(ndjsonReply(await loadChunks(fixture('ollama-text.chunks.txt'))));
      return { text: TEXT };
    },
    systemPrompt: async (context) => {
      await enqueueText(context);
      return {
        text: TEXT,
        read: (request) =>
          chat(request)
            .messages.filter((message) => message.role === 'system')
            .map((message) => message.content)
            .join('\n'),
      };
    },
    multiTurn: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readTurns };
    },
    image: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readImage };
    },
    toolCall: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'ollama-tool-call.json', 'ollama-tool-call.chunks.txt'));
      return { calls: WEATHER_CALLS };
    },
    toolResult: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readToolRoundTrip };
    },
    parallelToolCalls: async ({ upstream }) => {
      // Every call arrives whole on its own line, numbered 0 (or not at all) by Ollama.
      upstream.enqueue(ndjsonReply(await loadChunks(fixture('ollama-tool-call.chunks.txt'))));
      return { calls: WEATHER_CALLS, text: '' };
    },
    structuredOutput: async ({ upstream, mode }) => {
      upstream.enqueue(
        await answer(mode, 'ollama-structured.json', 'ollama-structured.chunks.txt'),
      );
      return { value: { city: 'Paris', temperature_c: 18 } };
    },
    reasoning: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'ollama-thinking.json', 'ollama-thinking.chunks.txt'));
      // Ollama reports no thinking count: it is estimated from the thinking text.
      return {
        text: '27 × 453 = 12,231.',
        reasoning: THINKING,
        reasoningTokens: await estimateTokens(THINKING),
        read: (request) => chat(request).think === true,
      };
    },
    rateLimited: async ({ upstream }) => {
      upstream.enqueue(reply.error(429, { error: 'too many requests' }, { retryAfter: '3' }));
      return { retryAfterSeconds: 3 };
    },
    serverError: async ({ upstream }) => {
      upstream.enqueue(reply.error(500, await loadJson(fixture('ollama-error-server.json'))));
    },
    malformedChunk: async ({ upstream }) => {
      const lines = await loadChunks(fixture('ollama-text.chunks.txt'));
      upstream.enqueue(ndjsonReply([lines[0]!, '{"model":"qwen3","message":{"content":']));
    },
    connectionReset: async ({ upstream }) => {
      const lines = await loadChunks(fixture('ollama-text.chunks.txt'));
      upstream.enqueue(ndjsonReply(lines, { resetAfterChunk: 2 }));
      return { textBeforeReset: 'Hello! How can I' };
    },
    streamUsage: async ({ upstream }) => {
      upstream.enqueue(ndjsonReply(await loadChunks(fixture('ollama-text.chunks.txt'))));
      return { usage: { prompt_tokens: 26, completion_tokens: 10 } };
    },
  },
});
