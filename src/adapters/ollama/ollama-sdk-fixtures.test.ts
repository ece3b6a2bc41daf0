import { Ollama, type ChatResponse } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import { ndjsonReply } from './__fixtures__/ndjson-reply.js';

/**
 * The fixtures are faithful: the official `ollama` client, pointed at the fake upstream serving
 * them, parses each one (JSON answers, NDJSON streams, error bodies) into its documented types.
 */

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

let upstream: FakeUpstream;
let ollama: Ollama;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  ollama = new Ollama({ host: upstream.url });
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(() => upstream.reset());

async function streamed(fixtureName: string, pieceChars?: number): Promise<ChatResponse[]> {
  const lines = await loadChunks(fixture(fixtureName));
  upstream.enqueue(ndjsonReply(lines, pieceChars === undefined ? {} : { pieceChars }));
  const parts: ChatResponse[] = [];
  for await (const part of await ollama.chat({
    model: 'qwen3',
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
  })) {
    parts.push(part);
  }
  return parts;
}

describe('ollama fixtures, read by the official ollama client', () => {
  it('parses the /api/chat JSON answers', async () => {
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-text.json'))));
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-tool-call.json'))));
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-thinking.json'))));
    const text = await ollama.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect([
      text.message.content,
      text.done_reason,
      text.prompt_eval_count,
      text.eval_count,
    ]).toEqual(['Hello! How can I help you today?', 'stop', 26, 10]);
    const tools = await ollama.chat({
      model: 'qwen3',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(tools.message.tool_calls?.map((call) => call.function)).toEqual([
      { index: 0, name: 'get_weather', arguments: { location: 'Paris, France' } },
      { index: 1, name: 'get_weather', arguments: { location: 'Tokyo, Japan' } },
    ]);
    const thinking = await ollama.chat({
      model: 'qwen3',
      messages: [{ role: 'user', content: 'Hi' }],
      think: true,
    });
    expect(thinking.message.thinking).toBe('The user wants 27 * 453. That is 12231.');
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/api/chat',
      '/api/chat',
      '/api/chat',
    ]);
  });

  it('parses the NDJSON streams, lines whole or cut', async () => {
    const text = await streamed('ollama-text.chunks.txt', 9);
    expect(text.map((part) => part.message.content).join('')).toBe(
      'Hello! How can I help you today?',
    );
    expect(text.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 26,
      eval_count: 10,
    });
    const tools = await streamed('ollama-tool-call.chunks.txt');
    expect(
      tools.flatMap((part) => part.message.tool_calls ?? []).map((call) => call.function.arguments),
    ).toEqual([{ location: 'Paris, France' }, { location: 'Tokyo, Japan' }]);
    const thinking = await streamed('ollama-thinking.chunks.txt');
    expect(thinking.map((part) => part.message.thinking ?? '').join('')).toBe(
      'The user wants 27 * 453. That is 12231.',
    );
  });

  it('raises its ResponseError for the error fixture, and parses /api/embed', async () => {
    upstream.enqueue(reply.error(404, await loadJson(fixture('ollama-error-not-found.json'))));
    await expect(ollama.chat({ model: 'llama9', messages: [] })).rejects.toMatchObject({
      name: 'ResponseError',
      status_code: 404,
      error: 'model "llama9" not found, try pulling it first',
    });
    upstream.enqueue(reply.json(await loadJson(fixture('ollama-embed.json'))));
    const embedded = await ollama.embed({ model: 'all-minilm', input: ['a', 'b'] });
    expect([embedded.embeddings.length, embedded.prompt_eval_count]).toEqual([2, 8]);
  });
});
