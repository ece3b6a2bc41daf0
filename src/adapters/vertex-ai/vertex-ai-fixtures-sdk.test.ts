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
 * The Vertex AI fixtures are faithful: `@google/genai` in Vertex AI mode (which parses responses
 * with its Vertex converters), pointed at the fake upstream serving them, reads each one into
 * what the fixture says. Express mode (an API key) spares the SDK Google's auth library.
 */

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

let upstream: FakeUpstream;
let ai: GoogleGenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  ai = new GoogleGenAI({
    vertexai: true,
    apiKey: 'test-key',
    httpOptions: { baseUrl: upstream.url },
  });
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
  const response = await ai.models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'Say hello.',
  });
  for await (const chunk of response) chunks.push(chunk);
  return chunks;
}

describe('@google/genai (Vertex AI mode) parses the vertex_ai fixtures', () => {
  it('vertex-ai-text.json and its stream', async () => {
    const response = await generate('vertex-ai-text.json');
    expect(response.text).toBe('Hello! How can I help you today?');
    expect(response.createTime).toBe('2025-06-09T14:37:22.414975Z');
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 4,
      candidatesTokenCount: 9,
      thoughtsTokenCount: 18,
      totalTokenCount: 31,
      trafficType: 'ON_DEMAND',
    });
    const chunks = await stream('vertex-ai-text.chunks.txt');
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('Hello! How can I help you today?');
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
  });

  it('vertex-ai-tool-call.json and its stream', async () => {
    const response = await generate('vertex-ai-tool-call.json');
    expect(response.functionCalls?.map((call) => call.args)).toEqual([
      { location: 'Paris, France' },
      { location: 'Tokyo, Japan' },
    ]);
    const chunks = await stream('vertex-ai-tool-call.chunks.txt');
    expect(chunks[0]?.functionCalls).toEqual(response.functionCalls);
  });

  it('vertex-ai-citation.json', async () => {
    const response = await generate('vertex-ai-citation.json');
    expect(response.candidates?.[0]?.citationMetadata?.citations?.[0]).toMatchObject({
      uri: 'https://peps.python.org/pep-0020/',
      publicationDate: { year: 2004, month: 8, day: 19 },
    });
  });

  it('vertex-ai-predict-embeddings.json', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('vertex-ai-predict-embeddings.json'))));
    const response = await ai.models.embedContent({
      model: 'text-embedding-005',
      contents: ['hello world', 'good morning'],
    });
    expect(upstream.requests[0]?.path).toMatch(/text-embedding-005:predict$/);
    expect(response.embeddings?.map((embedding) => embedding.statistics?.tokenCount)).toEqual([
      2, 3,
    ]);
    expect(response.embeddings?.[1]?.values).toEqual([-0.012836426, 0.006137431, 0.0079043]);
  });

  it.each([
    ['vertex-ai-error-rate-limit.json', 429],
    ['vertex-ai-error-server.json', 500],
    ['vertex-ai-error-unauthenticated.json', 401],
    ['vertex-ai-error-permission-denied.json', 403],
    ['vertex-ai-error-context-length.json', 400],
  ])('%s raises ApiError %i', async (file, status) => {
    upstream.enqueue(reply.error(status, await loadJson(fixture(file))));
    const failure = await ai.models
      .generateContent({ model: 'gemini-2.5-flash', contents: 'x' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(status);
  });
});
