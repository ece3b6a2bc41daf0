import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../../core/chat-chunk.js';
import { chunkJson } from '../../core/chunk-wire.js';
import { OpenAIStreamMapper, type OpenAIStreamInit } from './map-openai-stream.js';

/**
 * A content chunk whose envelope needs no change is sent as the upstream's own text (no second
 * serialisation); any chunk the mapper changed is serialised from the canonical object, so what
 * the client reads is always the canonical chunk.
 */
const init: OpenAIStreamInit = {
  target: { provider: 'openai', secrets: [] },
  model: 'gpt-4o-mini',
  warnings: { warn: () => undefined },
  prompt: [{ role: 'user', content: 'hi' }],
};

// Spaces after separators (as Python servers write JSON) tell the upstream's text from ours.
const ROLE =
  '{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 7, "model": "gpt-4o-mini", ' +
  '"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]}';
const CONTENT_NULL_USAGE =
  '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"gpt-4o-mini",' +
  '"obfuscation":"x1","choices":[{"index":0,"delta":{"content":"Hé \\"there\\""},"finish_reason":null}],"usage":null}';

function mapAll(...data: string[]): ChatChunk[] {
  const mapper = new OpenAIStreamMapper(init);
  const chunks: ChatChunk[] = [];
  for (const item of data) {
    const chunk = mapper.accept({ event: undefined, data: item });
    if (chunk !== undefined) chunks.push(chunk);
  }
  return chunks;
}

/** What a client reads: the JSON text parsed. */
const read = (chunk: ChatChunk): unknown => JSON.parse(chunkJson(chunk));

describe('OpenAI stream chunks sent as the upstream wrote them', () => {
  it('sends an unchanged chunk as the upstream text, byte for byte', () => {
    const [chunk] = mapAll(ROLE);
    expect(chunkJson(chunk as ChatChunk)).toBe(ROLE);
  });

  it('cuts the trailing "usage":null of a content chunk (usage goes on the last chunk only)', () => {
    const [chunk] = mapAll(CONTENT_NULL_USAGE);
    const text = chunkJson(chunk as ChatChunk);
    expect(text).toBe(CONTENT_NULL_USAGE.replace(',"usage":null}', '}'));
    expect(read(chunk as ChatChunk)).toEqual(JSON.parse(JSON.stringify(chunk)));
    expect(read(chunk as ChatChunk)).not.toHaveProperty('usage');
    expect(read(chunk as ChatChunk)).toHaveProperty('obfuscation', 'x1');
  });

  it('serialises the canonical chunk when "usage":null is not the last field', () => {
    const data =
      '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"m",' +
      '"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"usage":null,"x":1}';
    const [chunk] = mapAll(data);
    expect(chunkJson(chunk as ChatChunk)).toBe(JSON.stringify(chunk));
    expect(read(chunk as ChatChunk)).not.toHaveProperty('usage');
  });

  const changed: Array<[string, string]> = [
    [
      'no id (the stream gets one)',
      '{"object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}',
    ],
    [
      'no created',
      '{"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}',
    ],
    [
      'an empty model (the requested one is reported)',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"","choices":[{"index":0,"delta":{"content":"a"}}]}',
    ],
    [
      'a missing object',
      '{"id":"c","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}',
    ],
    [
      'a repaired choice index',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"delta":{"content":"a"}}]}',
    ],
    [
      'a missing delta',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"finish_reason":null}]}',
    ],
    [
      'a repaired role',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"model","content":"a"}}]}',
    ],
    [
      'a repaired tool call index',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":""}}]}}]}',
    ],
    [
      'a mapped finish reason',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"eos"}]}',
    ],
    [
      'usage on a content chunk',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}',
    ],
    [
      'a payload spread over several data: lines',
      '{"id":"c","object":"chat.completion.chunk","created":7,"model":"m",\n"choices":[{"index":0,"delta":{"content":"a"}}]}',
    ],
  ];

  it.each(changed)('serialises the canonical chunk after %s', (_name, data) => {
    const chunks = mapAll(data);
    const chunk = chunks[0] as ChatChunk;
    expect(chunkJson(chunk)).toBe(JSON.stringify(chunk));
  });

  it('serialises a chunk that carries provider data held from an earlier chunk', () => {
    const filter =
      '{"id":"","object":"","created":0,"model":"","choices":[],"prompt_filter_results":[{"prompt_index":0}]}';
    const [chunk] = mapAll(filter, ROLE);
    expect(chunkJson(chunk as ChatChunk)).toBe(JSON.stringify(chunk));
    expect(read(chunk as ChatChunk)).toHaveProperty(
      'provider_metadata.openai.prompt_filter_results',
    );
  });

  it('never gives a copy of a chunk the original text', () => {
    const [chunk] = mapAll(ROLE);
    const copy = { ...(chunk as ChatChunk), model: 'alias' };
    expect(read(copy)).toHaveProperty('model', 'alias');
    const clone = structuredClone(chunk as ChatChunk);
    clone.model = 'alias';
    expect(read(clone)).toHaveProperty('model', 'alias');
  });
});
