import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { hashEmbedding } from '../../src/adapters/mock/mock-embedding.js';
import { answerAll, clientFor, completionBody } from '../accounting/support.js';
import { reply, startFakeUpstream, type RecordedRequest } from '../support/fake-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { cachedConfig, semanticConfig } from './support.js';

/**
 * Three identical requests from a key limited to 2 per minute: the first is a miss, the other
 * two are hits. What happens to the third depends on whether hits count for rate limits.
 */
async function threeIdenticalRequests(
  hitsCount: boolean | undefined,
): Promise<{ outcomes: Array<string | number>; upstreamCalls: number }> {
  const upstream = await startFakeUpstream();
  answerAll(upstream);
  const params =
    hitsCount === undefined
      ? { type: 'local' }
      : { type: 'local', hits_count_for_rate_limits: hitsCount };
  const gateway = await startTestGateway(cachedConfig(upstream, params));
  try {
    const client = clientFor(gateway, gateway.tollgate.keys.createKey({ rpmLimit: 2 }).key);
    const outcomes: Array<string | number> = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const { response } = await client.chat.completions
          .create({ model: 'chat', messages: [{ role: 'user', content: 'limited' }] })
          .withResponse();
        outcomes.push(response.headers.get('x-tollgate-cache') ?? 'none');
      } catch (error) {
        if (!(error instanceof OpenAI.APIError)) throw error;
        outcomes.push(Number(error.status));
      }
    }
    return { outcomes, upstreamCalls: upstream.requests.length };
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

describe('cache hits and rate limits (cache_params.hits_count_for_rate_limits)', () => {
  it('counts hits as requests by default: the third request is refused with 429', async () => {
    const { outcomes, upstreamCalls } = await threeIdenticalRequests(undefined);
    expect(outcomes).toEqual(['miss', 'hit', 429]);
    expect(upstreamCalls).toBe(1);
  });

  it('counts hits when set to true', async () => {
    expect((await threeIdenticalRequests(true)).outcomes).toEqual(['miss', 'hit', 429]);
  });

  it('serves hits past the limit when set to false: only misses count', async () => {
    const { outcomes, upstreamCalls } = await threeIdenticalRequests(false);
    expect(outcomes).toEqual(['miss', 'hit', 'hit']);
    expect(upstreamCalls).toBe(1);
  });

  it('still counts misses when set to false', async () => {
    const upstream = await startFakeUpstream();
    answerAll(upstream);
    const gateway = await startTestGateway(
      cachedConfig(upstream, { type: 'local', hits_count_for_rate_limits: false }),
    );
    try {
      const client = clientFor(gateway, gateway.tollgate.keys.createKey({ rpmLimit: 2 }).key);
      const ask = (content: string) =>
        client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content }] });
      await ask('one');
      await ask('two');
      await expect(ask('three')).rejects.toMatchObject({ status: 429 });
      // A stored answer is still served once the misses used the limit up.
      await expect(ask('one')).resolves.toMatchObject({ object: 'chat.completion' });
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});

describe('the semantic cache and rate limits with hits_count_for_rate_limits: false', () => {
  it('takes the slot before embedding: a key over its limit gets a 429, not an embedding call', async () => {
    const upstream = await startFakeUpstream();
    upstream.setDefault((request: RecordedRequest) => {
      if (!request.path.endsWith('/embeddings')) return reply.json(completionBody());
      return reply.json({
        object: 'list',
        model: 'text-embedding-3-small',
        data: [{ object: 'embedding', index: 0, embedding: hashEmbedding('same vector', 64) }],
        usage: { prompt_tokens: 4, total_tokens: 4 },
      });
    });
    const gateway = await startTestGateway(
      semanticConfig(upstream, { hits_count_for_rate_limits: false }),
    );
    try {
      const client = clientFor(gateway, gateway.tollgate.keys.createKey({ rpmLimit: 1 }).key);
      const ask = async (content: string) =>
        (
          await client.chat.completions
            .create({ model: 'chat', messages: [{ role: 'user', content }] })
            .withResponse()
        ).response.headers.get('x-tollgate-cache');
      const embeddingCalls = () =>
        upstream.requests.filter((request) => request.path.endsWith('/embeddings')).length;

      expect(await ask('What is the capital of France?')).toBe('miss');
      expect(embeddingCalls()).toBe(1);
      // An exact hit costs nothing: served past the limit, no embedding.
      expect(await ask('What is the capital of France?')).toBe('hit');
      // A paraphrase would need an embedding call first: refused by the limit instead.
      await expect(ask('Which city is the capital of France?')).rejects.toMatchObject({
        status: 429,
      });
      expect(embeddingCalls()).toBe(1);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
