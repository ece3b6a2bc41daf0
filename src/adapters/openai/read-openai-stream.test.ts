import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../../core/chat-chunk.js';
import { GatewayError } from '../../core/errors.js';
import type { OpenAIStreamInit } from './map-openai-stream.js';
import { readOpenAIStream } from './read-openai-stream.js';

const init: OpenAIStreamInit = {
  target: { provider: 'openai', secrets: [] },
  model: 'gpt-4o-mini',
  warnings: { warn: () => undefined },
  prompt: [{ role: 'user', content: 'hi' }],
};

function content(text: string, finish: string | null = null): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content: text }, finish_reason: finish }],
  });
}

const USAGE = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
});

const events = (...data: string[]): string => data.map((item) => `data: ${item}\n\n`).join('');

/** A fake upstream body: each string is one network read; an Error fails that read. */
function body(reads: Array<string | Error>): {
  open: () => Promise<AsyncIterable<Uint8Array>>;
  opened: () => boolean;
  released: () => boolean;
} {
  let opened = false;
  let released = false;
  async function* generate(): AsyncGenerator<Uint8Array> {
    try {
      for (const read of reads) {
        if (read instanceof Error) throw read;
        yield new TextEncoder().encode(read);
      }
    } finally {
      released = true;
    }
  }
  return {
    open: () => {
      opened = true;
      return Promise.resolve(generate());
    },
    opened: () => opened,
    released: () => released,
  };
}

const texts = (chunks: readonly ChatChunk[] | undefined): Array<string | null | undefined> =>
  (chunks ?? []).map((chunk) =>
    chunk.choices.length === 0 ? 'usage' : chunk.choices[0]?.delta.content,
  );

describe('readOpenAIStream', () => {
  it('opens the upstream on the first read and hands over every chunk of one read at once', async () => {
    const upstream = body([
      events(content('a'), content('b'), content('c', 'stop'), USAGE, '[DONE]'),
    ]);
    const stream = readOpenAIStream(upstream.open, init);
    expect(upstream.opened()).toBe(false);
    expect(texts(await stream.nextBatch())).toEqual(['a', 'b', 'c']);
    const last = await stream.nextBatch();
    expect(texts(last)).toEqual(['usage']);
    expect(last?.[0]?.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    expect(await stream.nextBatch()).toBeUndefined();
    expect(upstream.released()).toBe(true);
  });

  it('hands on the chunks before a malformed one, then fails, and releases the body at once', async () => {
    const upstream = body([events(content('a'), content('b'), '{"choices": [{'), events('[DONE]')]);
    const stream = readOpenAIStream(upstream.open, init);
    expect(texts(await stream.nextBatch())).toEqual(['a', 'b']);
    expect(upstream.released()).toBe(true);
    const error = await stream.nextBatch().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('upstream_invalid_response');
  });

  it('fails the first read when the first chunk is malformed', async () => {
    const upstream = body([events('{"choices": 3}')]);
    const error = await readOpenAIStream(upstream.open, init)
      .next()
      .catch((caught: unknown) => caught);
    expect((error as GatewayError).code).toBe('upstream_invalid_response');
    expect(upstream.released()).toBe(true);
  });

  it('ignores events after [DONE] and a failure while draining the body', async () => {
    const upstream = body([
      events(content('a', 'stop'), USAGE, '[DONE]', '{"broken'),
      new Error('reset'),
    ]);
    const stream = readOpenAIStream(upstream.open, init);
    expect(texts(await stream.nextBatch())).toEqual(['a']);
    expect(texts(await stream.nextBatch())).toEqual(['usage']);
    expect(await stream.nextBatch()).toBeUndefined();
  });

  it('reports a body cut off before the answer finished after the chunks it did send', async () => {
    const upstream = body([events(content('a')), events(content('b'))]);
    const stream = readOpenAIStream(upstream.open, init);
    expect(texts(await stream.nextBatch())).toEqual(['a']);
    expect(texts(await stream.nextBatch())).toEqual(['b']);
    const error = await stream.nextBatch().catch((caught: unknown) => caught);
    expect((error as GatewayError).code).toBe('upstream_connection_failed');
  });

  it('releases the body when the consumer stops early', async () => {
    const upstream = body([events(content('a')), events(content('b'))]);
    const stream = readOpenAIStream(upstream.open, init);
    await stream.next();
    expect(upstream.released()).toBe(false);
    await stream.return();
    expect(upstream.released()).toBe(true);
  });
});
