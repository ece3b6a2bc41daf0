import Anthropic, { APIError, InternalServerError, RateLimitError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test/support/fake-upstream.js';
import { anthropicSse } from '../../../test/contract/anthropic-sse.js';

/**
 * Proves the fixtures are faithful to Anthropic's wire format: the official SDK, pointed at the
 * fake upstream serving them, parses every JSON fixture, assembles every stream fixture into the
 * message its JSON twin holds, and raises its own error classes for the error fixtures.
 */

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);

let upstream: FakeUpstream;
let client: Anthropic;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: upstream.url, maxRetries: 0 });
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(() => upstream.reset());

const PARAMS = {
  model: 'claude-sonnet-4-5-20250929',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Hello' }],
};

/** The parts of a message both the JSON and the stream fixture must agree on. */
function essence(message: Anthropic.Message) {
  return {
    content: message.content,
    stop_reason: message.stop_reason,
    output_tokens: message.usage.output_tokens,
  };
}

const PAIRS = [
  'anthropic-text',
  'anthropic-tool-call',
  'anthropic-thinking',
  'anthropic-structured-output',
  'anthropic-json-tool',
  'anthropic-cached',
];

describe('anthropic fixtures, read by @anthropic-ai/sdk', () => {
  it.each(PAIRS)('%s.json parses as a Message', async (name) => {
    const body = (await loadJson(fixture(`${name}.json`))) as Record<string, unknown>;
    upstream.enqueue(reply.json(body));
    const message = await client.messages.create(PARAMS);
    expect(message.id).toBe(body.id);
    expect(message.content).toEqual(body.content);
    expect(upstream.requests[0]?.path).toBe('/v1/messages');
  });

  it.each(PAIRS)('%s.chunks.txt streams into the same message', async (name) => {
    const expected = (await loadJson(fixture(`${name}.json`))) as Anthropic.Message;
    upstream.enqueue(anthropicSse(await loadChunks(fixture(`${name}.chunks.txt`))));
    const message = await client.messages.stream(PARAMS).finalMessage();
    expect(essence(message)).toEqual(essence(expected));
  });

  it('raises RateLimitError for the 429 body and OverloadedError for 529', async () => {
    upstream.enqueue(
      reply.error(429, await loadJson(fixture('anthropic-error-rate-limit.json'))),
      reply.error(529, await loadJson(fixture('anthropic-error-overloaded.json'))),
    );
    await expect(client.messages.create(PARAMS)).rejects.toBeInstanceOf(RateLimitError);
    const overloaded = await client.messages.create(PARAMS).catch((error: unknown) => error);
    expect(overloaded).toBeInstanceOf(InternalServerError);
    expect((overloaded as APIError).error).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('raises the error event of a stream', async () => {
    upstream.enqueue(
      anthropicSse(await loadChunks(fixture('anthropic-overloaded-event.chunks.txt'))),
    );
    const failure = await client.messages
      .stream(PARAMS)
      .finalMessage()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect(String(failure)).toContain('Overloaded');
  });
});
