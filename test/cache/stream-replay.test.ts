import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerAll } from '../accounting/support.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { cachedConfig } from './support.js';

describe('a cache hit on a streaming request', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    answerAll(upstream);
    gateway = await startTestGateway(cachedConfig(upstream, { type: 'local' }));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('is replayed as an SSE stream the openai SDK reads: role, content, finish, usage', async () => {
    const messages = [{ role: 'user' as const, content: 'stream me' }];
    const stored = await gateway.openai.chat.completions.create({ model: 'chat', messages });
    const { data: stream, response } = await gateway.openai.chat.completions
      .create({ model: 'chat', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    let text = '';
    let finish: string | null | undefined;
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(stored.choices[0]?.message.content);
    expect(finish).toBe('stop');
    // The stored usage, plus the request's own cost: a hit costs nothing.
    expect(usage).toEqual({ ...stored.usage, cost: 0 });
    expect(upstream.requests).toHaveLength(1);
  });
});
