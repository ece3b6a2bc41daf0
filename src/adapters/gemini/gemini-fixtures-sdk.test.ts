/* eslint import-x/no-cycle: "off" -- import-x loads @google/genai's `node/` folder as its "node" resolver and crashes; a test file importing only the SDK and test support has no cycle to find. */
import { ApiError, FinishReason, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';

/**
 * The fixtures are faithful to the Gemini API: Google's own SDK (`@google/genai`), pointed at the
 * fake upstream serving them, parses each one into what the fixture says. If a fixture drifted
 * from the real wire format (a renamed field, a wrong nesting), these assertions would fail.
 */

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

let upstream: FakeUpstream;
let ai: GoogleGenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: upstream.url } });
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(() => upstream.reset());

async function generate(file: string) {
  upstream.enqueue(reply.json(await loadJson(fixture(file))));
  return ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello.' });
}

async function stream(file: string) {
  upstream.enqueue(reply.sse(await loadChunks(fixture(file)), { done: false }));
  const chunks = [];
  for await (const chunk of await ai.models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'Say hello.',
  })) {
    chunks.push(chunk);
  }
  return chunks;
}

describe('@google/genai parses the gemini fixtures', () => {
  it('gemini-text.json', async () => {
    const response = await generate('gemini-text.json');
    expect(upstream.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(response.text).toBe('Hello! How can I help you today?');
    expect(response.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(response.responseId).toBe('kR5EaPX2LNT_nvgPqN2xyQQ');
    expect(response.modelVersion).toBe('gemini-2.5-flash');
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 4,
      candidatesTokenCount: 9,
      thoughtsTokenCount: 25,
      totalTokenCount: 38,
    });
  });

  it('gemini-text.chunks.txt', async () => {
    const chunks = await stream('gemini-text.chunks.txt');
    expect(upstream.requests[0]?.url).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('Hello! How can I help you today?');
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(chunks.at(-1)?.usageMetadata?.candidatesTokenCount).toBe(9);
  });

  it('gemini-tool-call.json and its stream', async () => {
    const response = await generate('gemini-tool-call.json');
    expect(response.functionCalls).toEqual([
      { name: 'get_weather', args: { location: 'Paris, France' } },
      { name: 'get_weather', args: { location: 'Tokyo, Japan' } },
    ]);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toMatch(/^CiQB/);
    const chunks = await stream('gemini-tool-call.chunks.txt');
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual(response.functionCalls);
  });

  it('gemini-thinking.json and its stream', async () => {
    const response = await generate('gemini-thinking.json');
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts.map((part) => part.thought ?? false)).toEqual([true, false]);
    expect(response.text).toBe('17 + 25 = 42.');
    expect(response.usageMetadata?.thoughtsTokenCount).toBe(330);
    const chunks = await stream('gemini-thinking.chunks.txt');
    const thoughts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    expect(thoughts.filter((part) => part.thought === true)).toHaveLength(2);
    expect(thoughts.at(-1)?.thoughtSignature).toBe(parts[1]?.thoughtSignature);
  });

  it('gemini-structured-output.json and its stream', async () => {
    const response = await generate('gemini-structured-output.json');
    expect(JSON.parse(response.text ?? '')).toEqual({ city: 'Paris', temperature_c: 18 });
    const chunks = await stream('gemini-structured-output.chunks.txt');
    expect(JSON.parse(chunks.map((chunk) => chunk.text).join(''))).toEqual({
      city: 'Paris',
      temperature_c: 18,
    });
  });

  it('gemini-grounding.json and its stream', async () => {
    const response = await generate('gemini-grounding.json');
    const grounding = response.candidates?.[0]?.groundingMetadata;
    expect(grounding?.webSearchQueries).toEqual(['UEFA Euro 2024 winner', 'who won euro 2024']);
    expect(grounding?.groundingChunks?.map((chunk) => chunk.web?.title)).toEqual([
      'aljazeera.com',
      'uefa.com',
    ]);
    expect(grounding?.groundingSupports?.[1]?.segment?.endIndex).toBe(126);
    expect(response.usageMetadata?.toolUsePromptTokenCount).toBe(92);
    const chunks = await stream('gemini-grounding.chunks.txt');
    expect(chunks.at(-1)?.candidates?.[0]?.groundingMetadata?.groundingChunks).toHaveLength(2);
  });

  it('gemini-citation.chunks.txt', async () => {
    const chunks = await stream('gemini-citation.chunks.txt');
    const sources = chunks.flatMap(
      (chunk) => chunk.candidates?.[0]?.citationMetadata?.citations ?? [],
    );
    expect(sources.map((source) => source.uri)).toEqual([
      'https://peps.python.org/pep-0020/',
      'https://github.com/python/peps/blob/main/peps/pep-0020.rst',
    ]);
  });

  it('gemini-safety-finish.json', async () => {
    const response = await generate('gemini-safety-finish.json');
    const candidate = response.candidates?.[0];
    expect(candidate?.finishReason).toBe(FinishReason.SAFETY);
    expect(candidate?.safetyRatings?.find((rating) => rating.blocked)?.category).toBe(
      'HARM_CATEGORY_DANGEROUS_CONTENT',
    );
    expect(response.text).toBeUndefined();
  });

  it('gemini-blocked-prompt.json', async () => {
    const response = await generate('gemini-blocked-prompt.json');
    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
  });

  it('gemini-batch-embed-contents.json', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('gemini-batch-embed-contents.json'))));
    const response = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['first', 'second'],
    });
    expect(upstream.requests[0]?.path).toBe(
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
    );
    expect(response.embeddings?.map((embedding) => embedding.values?.length)).toEqual([3, 3]);
  });

  it.each([
    ['gemini-error-rate-limit.json', 429, 'RESOURCE_EXHAUSTED'],
    ['gemini-error-server.json', 500, 'INTERNAL'],
    ['gemini-error-overloaded.json', 503, 'UNAVAILABLE'],
    ['gemini-error-api-key-invalid.json', 400, 'API_KEY_INVALID'],
    ['gemini-error-permission-denied.json', 403, 'PERMISSION_DENIED'],
    ['gemini-error-context-length.json', 400, 'input token count'],
  ])('%s raises ApiError %i', async (file, status, text) => {
    upstream.enqueue(reply.error(status, await loadJson(fixture(file))));
    const failure = await ai.models
      .generateContent({ model: 'gemini-2.5-flash', contents: 'x' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(status);
    expect((failure as ApiError).message).toContain(text);
  });
});
