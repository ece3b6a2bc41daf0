import { afterAll, beforeAll } from 'vitest';
import { z } from 'zod';
import {
  framesReply,
  loadEventFrames,
  startEventStreamFront,
  type EventStreamFront,
} from '../../src/adapters/bedrock/__fixtures__/event-stream-fixtures.js';
import { createBedrockAdapter } from '../../src/adapters/bedrock/bedrock-adapter.js';
import { estimateTokens } from '../../src/core/estimate-tokens.js';
import { makeDeployment } from '../support/adapter-harness.js';
import { loadJson, reply, type FakeReply, type RecordedRequest } from '../support/fake-upstream.js';
import { describeAdapterContract, type ArrangeContext, type SentTurn } from './adapter-contract.js';

/**
 * The contract for `bedrock/` (Converse, ConverseStream). Streams are binary event-stream
 * frames; the shared fake upstream writes text, so every request goes through the
 * event-stream front (src/adapters/bedrock/__fixtures__/event-stream-fixtures.ts), which
 * forwards it to the suite's fake upstream and turns framed answers back into bytes.
 */

const fixture = (name: string): URL =>
  new URL(`../../src/adapters/bedrock/__fixtures__/${name}`, import.meta.url);

const TEXT = 'Hello! How can I help you today?';
const WEATHER_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
];
const REASONING_TEXT = '27 × 453 = 12,231.';

let front: EventStreamFront;
beforeAll(async () => {
  front = await startEventStreamFront();
});
afterAll(async () => {
  await front.close();
});

// --- Reading the Converse body the upstream received ---------------------------------------

const blockSchema = z
  .object({
    text: z.string().optional(),
    image: z.object({ format: z.string(), source: z.object({ bytes: z.string() }) }).optional(),
    toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).optional(),
    toolResult: z
      .object({ toolUseId: z.string(), content: z.array(z.object({ text: z.string() })) })
      .optional(),
  })
  .loose();

const bodySchema = z
  .object({
    system: z.array(z.object({ text: z.string() })).optional(),
    messages: z.array(
      z.object({ role: z.enum(['user', 'assistant']), content: z.array(blockSchema) }),
    ),
    additionalModelRequestFields: z
      .object({ thinking: z.object({ type: z.string() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();

type Block = z.infer<typeof blockSchema>;

const converse = (request: RecordedRequest) => bodySchema.parse(request.body);
const textOf = (blocks: readonly Block[]) => blocks.map((block) => block.text ?? '').join('');
const blocksOf = (request: RecordedRequest) =>
  converse(request).messages.flatMap((message) => message.content);

function readTurns(request: RecordedRequest): SentTurn[] {
  return converse(request).messages.map((message) => ({
    role: message.role,
    text: textOf(message.content),
  }));
}

function readImage(request: RecordedRequest) {
  const user = converse(request).messages.find((message) => message.role === 'user');
  const image = user?.content.find((block) => block.image)?.image;
  return {
    mediaType: image === undefined ? undefined : `image/${image.format}`,
    base64: image?.source.bytes ?? '',
    text: textOf(user?.content ?? []),
  };
}

function readToolRoundTrip(request: RecordedRequest) {
  const call = blocksOf(request).find((block) => block.toolUse)?.toolUse;
  const result = blocksOf(request).find((block) => block.toolResult)?.toolResult;
  return {
    call: { id: call?.toolUseId, name: call?.name ?? '', arguments: call?.input },
    result: {
      callId: result?.toolUseId,
      content: JSON.parse(result?.content[0]?.text ?? 'null') as unknown,
    },
  };
}

// --- Scripting the upstream -----------------------------------------------------------------

async function answer(mode: ArrangeContext['mode'], name: string): Promise<FakeReply> {
  return mode === 'generate'
    ? reply.json(await loadJson(fixture(`${name}.json`)))
    : framesReply(await loadEventFrames(fixture(`${name}.events.txt`)));
}

async function enqueueText({ upstream }: ArrangeContext): Promise<void> {
  upstream.enqueue(reply.json(await loadJson(fixture('bedrock-text.json'))));
}

async function errorReply(status: number, type: string, body: string): Promise<FakeReply> {
  return reply.error(status, await loadJson(fixture(body)), {
    headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  });
}

describeAdapterContract({
  name: 'bedrock',
  provider: 'bedrock',
  createAdapter: ({ upstreamUrl, pools }) => {
    front.target = upstreamUrl;
    return createBedrockAdapter(
      makeDeployment({
        provider: 'bedrock',
        providerModel: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
        apiBase: front.url,
        apiKey: undefined,
        params: {
          aws_access_key_id: 'AKIDEXAMPLE',
          aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
          aws_region_name: 'us-east-1',
        },
      }),
      pools,
    );
  },
  scenarios: {
    text: async (context) => {
      await enqueueText(context);
      return { text: TEXT };
    },
    stream: async ({ upstream }) => {
      upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-text.events.txt'))));
      return { text: TEXT };
    },
    systemPrompt: async (context) => {
      await enqueueText(context);
      return {
        text: TEXT,
        read: (request) => (converse(request).system ?? []).map((block) => block.text).join('\n'),
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
      upstream.enqueue(await answer(mode, 'bedrock-tool-call'));
      return { calls: WEATHER_CALLS };
    },
    toolResult: async (context) => {
      await enqueueText(context);
      return { text: TEXT, read: readToolRoundTrip };
    },
    parallelToolCalls: async ({ upstream }) => {
      upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-tool-call.events.txt'))));
      return { calls: WEATHER_CALLS, text: "I'll check the weather in both cities." };
    },
    structuredOutput: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'bedrock-structured'));
      return { value: { city: 'Paris', temperature_c: 18 } };
    },
    reasoning: async ({ upstream, mode }) => {
      upstream.enqueue(await answer(mode, 'bedrock-reasoning'));
      // Converse reports no reasoning count: it is estimated from the reasoning text.
      const reasoning =
        mode === 'generate'
          ? 'The user asks for 27 * 453. 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.'
          : 'The user asks for 27 * 453. 27 * 453 = 10800 + 1431 = 12231.';
      return {
        text: REASONING_TEXT,
        reasoning,
        reasoningTokens: await estimateTokens(reasoning),
        read: (request) =>
          converse(request).additionalModelRequestFields?.thinking?.type === 'enabled',
      };
    },
    rateLimited: async ({ upstream }) => {
      upstream.enqueue(
        await errorReply(429, 'ThrottlingException', 'bedrock-error-throttling.json'),
      );
      // Bedrock sends no Retry-After.
      return { retryAfterSeconds: undefined };
    },
    serverError: async ({ upstream }) => {
      upstream.enqueue(
        await errorReply(500, 'InternalServerException', 'bedrock-error-internal.json'),
      );
    },
    malformedChunk: async ({ upstream }) => {
      const frames = await loadEventFrames(fixture('bedrock-text.events.txt'));
      const corrupt = Uint8Array.from(frames[1] ?? []);
      // Flip a payload byte: the message CRC no longer matches.
      corrupt[corrupt.length - 6] = (corrupt[corrupt.length - 6] ?? 0) ^ 0xff;
      upstream.enqueue(framesReply([frames[0]!, corrupt, ...frames.slice(2)]));
    },
    connectionReset: async ({ upstream }) => {
      const frames = await loadEventFrames(fixture('bedrock-text.events.txt'));
      // messageStart, "Hello", "! How can I", then a TCP reset.
      upstream.enqueue(framesReply(frames, { resetAfterChunk: 3 }));
      return { textBeforeReset: 'Hello! How can I' };
    },
    streamUsage: async ({ upstream }) => {
      upstream.enqueue(framesReply(await loadEventFrames(fixture('bedrock-reasoning.events.txt'))));
      return {
        usage: {
          prompt_tokens: 2066,
          completion_tokens: 96,
          prompt_tokens_details: { cached_tokens: 2048, cache_creation_tokens: 0 },
        },
      };
    },
  },
});
