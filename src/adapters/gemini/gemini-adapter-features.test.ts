import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../core/upstream-http.js';
import {
  collect,
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
  streamedText,
} from '../../../test/support/adapter-harness.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

let upstream: FakeUpstream;
let pools: UpstreamPools;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  pools = new UpstreamPools();
});
afterAll(async () => {
  await pools.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function adapter(providerModel = 'gemini-2.5-flash') {
  return createGeminiAdapter(
    makeDeployment({ provider: 'gemini', providerModel, apiBase: upstream.url, apiKey: 'k' }),
    pools,
  );
}

async function sse(name: string) {
  return reply.sse(await loadChunks(fixture(name)), { done: false });
}

function sentBody(index = 0): Record<string, unknown> {
  return upstream.requests[index]?.body as Record<string, unknown>;
}

const THOUGHT_SIGNATURE =
  'EuYBCuMBAdHtim9Xl0lQ2Nd8Xn3rT2m1jC1x8yF7s0qZ9wR4tV6uB3eA5gH2kJ1lM0nP9oQ8rS7tU6vW5xY4zA3bC2dE1fG0hI9jK8lM7nO6pQ5rS4tU3vW2xY1zA0=';

describe('gemini adapter: media', () => {
  it('maps images, audio, files and data URLs to inlineData and fileData', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    await adapter().generate(
      makeChatRequest({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.webp?size=2' } },
              { type: 'image_url', image_url: { url: 'gs://bucket/scan' } },
              { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
              {
                type: 'file',
                file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' },
              },
              {
                type: 'file',
                file: { file_id: 'https://example.com/files/abc', filename: 'b.pdf' },
              },
            ],
          },
        ],
      }),
      makeCallOptions(),
    );
    expect((upstream.requests[0]?.body as { contents: unknown }).contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Compare these.' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=2' } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://bucket/scan' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/files/abc' } },
        ],
      },
    ]);
  });
});

describe('gemini adapter: reasoning', () => {
  it.each([
    ['gemini-2.5-pro', 'high', { thinkingBudget: 24576, includeThoughts: true }],
    ['gemini-2.5-flash', 'none', { thinkingBudget: 0 }],
    ['gemini-3-flash-preview', 'medium', { thinkingLevel: 'MEDIUM', includeThoughts: true }],
    ['gemini-3-pro-preview', 'medium', { thinkingLevel: 'HIGH', includeThoughts: true }],
  ] as const)('%s with reasoning_effort %s sends thinkingConfig', async (model, effort, config) => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-thinking.json'))));
    await adapter(model).generate(makeChatRequest({ reasoning_effort: effort }), makeCallOptions());
    expect(sentBody().generationConfig).toEqual({ thinkingConfig: config });
  });

  it('returns thought summaries as reasoning_content and keeps the signature', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-thinking.json'))));
    const response = await adapter('gemini-2.5-pro').generate(
      makeChatRequest({ reasoning_effort: 'low' }),
      makeCallOptions(),
    );
    expect(response.choices[0]?.message).toEqual({
      role: 'assistant',
      content: '17 + 25 = 42.',
      reasoning_content: '**Calculating the sum**\n\nI am adding 17 and 25: 17 + 25 = 42.\n',
      provider_metadata: { gemini: { finish_reason: 'STOP', text_signature: THOUGHT_SIGNATURE } },
    });
    expect(response.usage).toEqual({
      prompt_tokens: 11,
      completion_tokens: 338,
      total_tokens: 349,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 330 },
    });
  });

  it('streams reasoning deltas before the answer, with the signature on its delta', async () => {
    upstream.enqueue(await sse('gemini-thinking.chunks.txt'));
    const chunks = await collect(
      adapter('gemini-2.5-pro').stream(
        makeChatRequest({ reasoning_effort: 'low' }),
        makeCallOptions(),
      ),
    );
    const reasoning = chunks
      .map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '')
      .join('');
    expect(reasoning).toBe('**Calculating the sum**\n\nI am adding 17 and 25: 17 + 25 = 42.\n');
    expect(streamedText(chunks)).toBe('17 + 25 = 42.');
    expect(chunks.at(-2)?.choices[0]?.delta.provider_metadata).toEqual({
      gemini: { text_signature: THOUGHT_SIGNATURE, finish_reason: 'STOP' },
    });
    expect(chunks.at(-1)?.usage?.completion_tokens_details?.reasoning_tokens).toBe(330);
  });

  it('sends the signature back on the answer part of the next turn', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    await adapter('gemini-2.5-pro').generate(
      makeChatRequest({
        messages: [
          { role: 'user', content: 'What is 17 + 25?' },
          {
            role: 'assistant',
            content: '17 + 25 = 42.',
            reasoning_content: 'adding',
            provider_metadata: {
              gemini: { text_signature: THOUGHT_SIGNATURE, reasoning_signature: 'r-sig' },
            },
          },
          { role: 'user', content: 'And times 2?' },
        ],
      }),
      makeCallOptions(),
    );
    expect((sentBody().contents as unknown[])[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'adding', thought: true, thoughtSignature: 'r-sig' },
        { text: '17 + 25 = 42.', thoughtSignature: THOUGHT_SIGNATURE },
      ],
    });
  });

  it('signs unsigned function calls with the documented bypass for Gemini 3', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-text.json'))));
    await adapter('gemini-3-pro-preview').generate(
      makeChatRequest({
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'a', type: 'function', function: { name: 'w', arguments: '{"c":"P"}' } },
              { id: 'b', type: 'function', function: { name: 'w', arguments: '{"c":"T"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'a', content: '1' },
          { role: 'tool', tool_call_id: 'b', content: '2' },
        ],
      }),
      makeCallOptions(),
    );
    expect((sentBody().contents as Array<{ parts: unknown }>)[1]?.parts).toEqual([
      {
        functionCall: { name: 'w', args: { c: 'P' } },
        thoughtSignature: 'skip_thought_signature_validator',
      },
      { functionCall: { name: 'w', args: { c: 'T' } } },
    ]);
  });
});

describe('gemini adapter: structured output', () => {
  it('maps json_schema to responseMimeType and an ordered responseSchema', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-structured-output.json'))));
    const response = await adapter('gemini-2.0-flash').generate(
      makeChatRequest({
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'recipe',
            strict: true,
            schema: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                ingredients: { type: 'array', items: { type: 'string' } },
                rating: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
              },
              required: ['name', 'ingredients', 'rating'],
              additionalProperties: false,
            },
          },
        },
      }),
      makeCallOptions(),
    );
    expect(sentBody().generationConfig).toMatchInlineSnapshot(`
      {
        "responseMimeType": "application/json",
        "responseSchema": {
          "properties": {
            "ingredients": {
              "items": {
                "type": "string",
              },
              "type": "array",
            },
            "name": {
              "type": "string",
            },
            "rating": {
              "nullable": true,
              "type": "integer",
            },
          },
          "propertyOrdering": [
            "name",
            "ingredients",
            "rating",
          ],
          "required": [
            "name",
            "ingredients",
            "rating",
          ],
          "type": "object",
        },
      }
    `);
    expect(JSON.parse(response.choices[0]?.message.content ?? '')).toEqual({
      city: 'Paris',
      temperature_c: 18,
    });
  });

  it('maps json_object to responseMimeType alone', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-structured-output.json'))));
    await adapter().generate(
      makeChatRequest({ response_format: { type: 'json_object' } }),
      makeCallOptions(),
    );
    expect(sentBody().generationConfig).toEqual({ responseMimeType: 'application/json' });
  });
});

describe('gemini adapter: provider data', () => {
  it('returns grounding metadata and tool-use prompt tokens', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-grounding.json'))));
    const response = await adapter().generate(
      makeChatRequest(),
      makeCallOptions({ providerOptions: { tools: [{ googleSearch: {} }] } }),
    );
    expect(sentBody().tools).toEqual([{ googleSearch: {} }]);
    const metadata = response.choices[0]?.message.provider_metadata?.gemini as Record<
      string,
      unknown
    >;
    expect(metadata.grounding_metadata).toMatchObject({
      webSearchQueries: ['UEFA Euro 2024 winner', 'who won euro 2024'],
      groundingChunks: [{ web: { title: 'aljazeera.com' } }, { web: { title: 'uefa.com' } }],
    });
    expect(response.usage).toMatchObject({
      prompt_tokens: 104,
      completion_tokens: 31,
      total_tokens: 135,
    });
  });

  it('sends grounding metadata on the finish chunk of a stream', async () => {
    upstream.enqueue(await sse('gemini-grounding.chunks.txt'));
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    const finish = chunks.at(-2)?.choices[0];
    expect(finish?.finish_reason).toBe('stop');
    expect(finish?.delta.provider_metadata?.gemini).toMatchObject({
      finish_reason: 'STOP',
      grounding_metadata: {
        groundingSupports: [{ groundingChunkIndices: [0] }, { groundingChunkIndices: [0, 1] }],
      },
    });
    expect(chunks.at(-1)?.usage?.prompt_tokens).toBe(104);
  });

  it('collects the citations of every stream event on the finish chunk', async () => {
    upstream.enqueue(await sse('gemini-citation.chunks.txt'));
    const chunks = await collect(
      adapter('gemini-2.0-flash').stream(makeChatRequest(), makeCallOptions()),
    );
    expect(chunks.at(-2)?.choices[0]?.delta.provider_metadata?.gemini).toEqual({
      finish_reason: 'STOP',
      citation_metadata: {
        citationSources: [
          { startIndex: 26, endIndex: 91, uri: 'https://peps.python.org/pep-0020/', license: '' },
          {
            startIndex: 92,
            endIndex: 122,
            uri: 'https://github.com/python/peps/blob/main/peps/pep-0020.rst',
            license: 'CC0-1.0',
          },
        ],
      },
    });
  });

  it('maps a SAFETY finish to content_filter with the safety ratings', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-safety-finish.json'))));
    const response = await adapter('gemini-2.0-flash').generate(
      makeChatRequest(),
      makeCallOptions(),
    );
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe('content_filter');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.provider_metadata?.gemini).toMatchObject({
      finish_reason: 'SAFETY',
      safety_ratings: expect.arrayContaining([
        { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
      ]) as unknown,
    });
  });

  it('streams a SAFETY stop as content_filter, safety ratings on the finish chunk', async () => {
    const ratings = [
      { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
    ];
    upstream.enqueue(
      reply.sse(
        [
          JSON.stringify({
            candidates: [
              { content: { parts: [{ text: 'Here is how' }], role: 'model' }, index: 0 },
            ],
            responseId: 'unsafe',
          }),
          JSON.stringify({
            candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: ratings }],
            usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 },
            responseId: 'unsafe',
          }),
        ],
        { done: false },
      ),
    );
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    expect(chunks.at(-2)?.choices[0]).toEqual({
      index: 0,
      delta: {
        provider_metadata: { gemini: { safety_ratings: ratings, finish_reason: 'SAFETY' } },
      },
      finish_reason: 'content_filter',
    });
  });

  it('asks for n candidates and returns one choice each', async () => {
    const two = {
      candidates: [
        { content: { parts: [{ text: 'A' }], role: 'model' }, finishReason: 'STOP', index: 0 },
        {
          content: { parts: [{ text: 'B' }], role: 'model' },
          finishReason: 'MAX_TOKENS',
          index: 1,
        },
      ],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
      modelVersion: 'gemini-2.0-flash',
      responseId: 'two',
    };
    upstream.enqueue(reply.json(two));
    const response = await adapter().generate(makeChatRequest({ n: 2 }), makeCallOptions());
    expect(sentBody().generationConfig).toEqual({ candidateCount: 2 });
    expect(
      response.choices.map((choice) => [
        choice.index,
        choice.message.content,
        choice.finish_reason,
      ]),
    ).toEqual([
      [0, 'A', 'stop'],
      [1, 'B', 'length'],
    ]);
  });

  it('estimates usage when the upstream reports none, and says so', async () => {
    upstream.enqueue(
      reply.sse(
        [
          JSON.stringify({
            candidates: [{ content: { parts: [{ text: 'Hi there' }] }, finishReason: 'STOP' }],
          }),
        ],
        { done: false },
      ),
    );
    const chunks = await collect(adapter().stream(makeChatRequest(), makeCallOptions()));
    const last = chunks.at(-1);
    expect(last?.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(last?.provider_metadata).toEqual({ gemini: { usage_estimated: true } });
  });
});
