import { asc } from 'drizzle-orm';
import { BadRequestError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spendLogs } from '../../src/db/schema/spend-logs.js';
import { clientFor, INPUT_PRICE, pricedConfig } from '../accounting/support.js';
import {
  reply,
  startFakeUpstream,
  type FakeUpstream,
  type RecordedRequest,
} from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const EMBEDDING_TOKENS = 8;

/** float32 values as base64, what the adapter asks OpenAI for. */
function base64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer).toString('base64');
}

/** One vector per input: [0.5, 0.25, index, dimensions or 0]. */
function answerEmbeddings(upstream: FakeUpstream): void {
  upstream.setDefault((request: RecordedRequest) => {
    const body = request.body as { input: string | string[]; dimensions?: number };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    return reply.json({
      object: 'list',
      data: inputs.map((_, index) => ({
        object: 'embedding',
        index,
        embedding: base64([0.5, 0.25, index, body.dimensions ?? 0]),
      })),
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: EMBEDDING_TOKENS, total_tokens: EMBEDDING_TOKENS },
    });
  });
}

function embeddingConfig(upstream: FakeUpstream, cacheParams: Record<string, unknown>) {
  const base = pricedConfig(upstream) as { model_list: unknown[] };
  return {
    model_list: [
      ...base.model_list,
      {
        model_name: 'embed',
        litellm_params: {
          model: 'openai/text-embedding-3-small',
          api_base: `${upstream.url}/v1`,
          api_key: 'sk-upstream-0123456789',
          input_cost_per_token: INPUT_PRICE,
        },
        model_info: { id: 'embed-1' },
      },
    ],
    litellm_settings: { cache: true, cache_params: cacheParams },
  };
}

describe('exact cache of embeddings, through REST and the openai SDK', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startTestGateway(embeddingConfig(upstream, { type: 'local' }));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.reset();
    answerEmbeddings(upstream);
  });

  async function embed(
    input: string | string[],
    extra: Record<string, unknown> = {},
    client = gateway.openai,
  ) {
    const { data, response } = await client.embeddings
      .create({ model: 'embed', input, ...extra })
      .withResponse();
    return {
      data,
      cache: response.headers.get('x-tollgate-cache'),
      cost: response.headers.get('x-tollgate-cost'),
    };
  }

  it('misses, then serves the stored vectors at cost 0 with the cost saved on the spend row', async () => {
    const first = await embed(['alpha', 'beta']);
    const second = await embed(['alpha', 'beta']);
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.data.data.map((item) => item.embedding)).toEqual([
      [0.5, 0.25, 0, 0],
      [0.5, 0.25, 1, 0],
    ]);
    expect(second.data).toEqual(first.data);
    expect(Number(second.cost)).toBe(0);
    expect(upstream.requests).toHaveLength(1);

    await gateway.tollgate.flushSpend();
    const rows = await gateway.tollgate.database.db
      .select()
      .from(spendLogs)
      .orderBy(asc(spendLogs.startTime));
    const [miss, hit] = rows.slice(-2);
    const cost = Math.round(EMBEDDING_TOKENS * INPUT_PRICE * 1e9);
    expect(miss).toMatchObject({ cacheStatus: 'miss', costNanos: cost });
    expect(hit).toMatchObject({ cacheStatus: 'hit', costNanos: 0, costSavedNanos: cost });
  });

  it('keys on input and dimensions, and shares float and base64 requests', async () => {
    await embed('gamma');
    expect((await embed('gamma', { encoding_format: 'float' })).cache).toBe('hit');
    expect((await embed('delta')).cache).toBe('miss');
    expect((await embed(['gamma'])).cache).toBe('miss');
    const shorter = await embed('gamma', { dimensions: 3 });
    expect(shorter.cache).toBe('miss');
    expect(shorter.data.data[0]?.embedding).toEqual([0.5, 0.25, 0, 3]);
    expect((await embed('gamma', { dimensions: 3 })).cache).toBe('hit');
    expect(upstream.requests).toHaveLength(4);
  });

  it('answers malformed cache controls with a 400 in the OpenAI envelope, and keeps serving', async () => {
    const error = await gateway.openai.embeddings
      .create({ model: 'embed', input: 'x', cache: { ttl: 'soon' } } as never)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as InstanceType<typeof BadRequestError>).error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining('cache.ttl'),
    });
    expect(upstream.requests).toHaveLength(0);
    expect((await embed('after the bad one')).cache).toBe('miss');
  });

  it('honours cache controls and namespaces, and scopes entries by team', async () => {
    await embed('controlled');
    expect((await embed('controlled', { cache: { 'no-cache': true } })).cache).toBe('miss');
    expect((await embed('controlled', { cache: { namespace: 'run-2' } })).cache).toBe('miss');
    expect((await embed('controlled', { cache: { namespace: 'run-2' } })).cache).toBe('hit');
    await embed('unstored', { cache: { 'no-store': true } });
    expect((await embed('unstored')).cache).toBe('miss');
    // The gateway field never reaches the provider.
    expect(upstream.requests.every((request) => !('cache' in (request.body as object)))).toBe(true);
    const keys = gateway.tollgate.keys;
    const team = keys.createTeam({ name: 'embedders' });
    const member = clientFor(gateway, keys.createKey({ teamId: team.id }).key);
    expect((await embed('controlled', {}, member)).cache).toBe('miss');
    expect(upstream.requests).toHaveLength(6);
  });
});

describe('supported_call_types', () => {
  async function statuses(callTypes: string[]) {
    const upstream = await startFakeUpstream();
    upstream.setDefault((request) =>
      request.path.endsWith('/embeddings') ? embeddingReply() : chatReply(request),
    );
    const gateway = await startTestGateway(
      embeddingConfig(upstream, { type: 'local', supported_call_types: callTypes }),
    );
    try {
      const embedTwice = [];
      const chatTwice = [];
      for (let round = 0; round < 2; round += 1) {
        const embedded = await gateway.openai.embeddings
          .create({ model: 'embed', input: 'x' })
          .withResponse();
        embedTwice.push(embedded.response.headers.get('x-tollgate-cache'));
        const chatted = await gateway.openai.chat.completions
          .create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] })
          .withResponse();
        chatTwice.push(chatted.response.headers.get('x-tollgate-cache'));
      }
      return { embeddings: embedTwice, chat: chatTwice };
    } finally {
      await gateway.close();
      await upstream.close();
    }
  }

  function embeddingReply() {
    return reply.json({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: base64([1, 0]) }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  }

  function chatReply(request: RecordedRequest) {
    return reply.json({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: String(request.index) },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
  }

  it('caches only embeddings with ["embedding"]', async () => {
    expect(await statuses(['embedding'])).toEqual({
      embeddings: ['miss', 'hit'],
      chat: ['miss', 'miss'],
    });
  });

  it('caches only chat with ["acompletion"]', async () => {
    expect(await statuses(['acompletion'])).toEqual({
      embeddings: ['miss', 'miss'],
      chat: ['miss', 'hit'],
    });
  });

  it('caches both with ["completion", "aembedding"]', async () => {
    expect(await statuses(['completion', 'aembedding'])).toEqual({
      embeddings: ['miss', 'hit'],
      chat: ['miss', 'hit'],
    });
  });
});
