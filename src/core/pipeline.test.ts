import { describe, expect, it } from 'vitest';
import type { ModelAdapter } from './adapter.js';
import type { ChatChunk } from './chat-chunk.js';
import type { ChatResponse } from './chat-response.js';
import type { ResolvedDeployment } from './deployment.js';
import { GatewayError } from './errors.js';
import { silentLogger } from './logger.js';
import { ModelCatalog } from './model-catalog.js';
import { PIPELINE_ORDER, Pipeline } from './pipeline.js';
import { RequestContext } from './request-context.js';
import { SingleAttemptRouter } from './router.js';

const deployment: ResolvedDeployment = {
  id: 'fake-1',
  modelGroup: 'chat',
  provider: 'fake',
  providerModel: 'fake-model',
  apiBase: undefined,
  apiKey: undefined,
  apiVersion: undefined,
  timeoutMs: 1000,
  streamTimeoutMs: 1000,
  extraHeaders: {},
  params: {},
  modelInfo: {},
};

const response: ChatResponse = {
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'fake-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

function chunk(content: string | undefined, usage?: ChatChunk['usage']): ChatChunk {
  return {
    id: 'x',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'fake-model',
    choices: content === undefined ? [] : [{ index: 0, delta: { content }, finish_reason: null }],
    ...(usage ? { usage } : {}),
  };
}

interface FakeBehaviour {
  generate?: () => Promise<ChatResponse>;
  chunks?: () => AsyncGenerator<ChatChunk>;
  /** What the cacheLookup hook serves (a miss unless told). */
  cached?: () => ChatResponse | undefined;
  cacheHitsCountForRateLimits?: boolean;
  /** The cacheLookup hook opens its rate-limit gate (as the semantic cache does) before answering. */
  gateInLookup?: boolean;
}

function makePipeline(behaviour: FakeBehaviour = {}) {
  const seen: Array<{ request: unknown }> = [];
  const adapter: ModelAdapter = {
    provider: 'fake',
    deployment,
    generate: (request) => {
      seen.push({ request });
      return behaviour.generate?.() ?? Promise.resolve(response);
    },
    stream: (request) => {
      seen.push({ request });
      return (
        behaviour.chunks?.() ??
        (async function* () {
          yield chunk('a');
          yield chunk('b');
          yield chunk(undefined, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
        })()
      );
    },
    embed: () => Promise.reject(new Error('unused')),
    close: () => Promise.resolve(),
  };
  const catalog = new ModelCatalog({
    deployments: [deployment],
    adapterFor: () => () => adapter,
    createdAt: 0,
  });
  const pipeline = new Pipeline({
    catalog,
    router: new SingleAttemptRouter(),
    logger: silentLogger,
    dropParams: false,
    cacheHitsCountForRateLimits: behaviour.cacheHitsCountForRateLimits,
  });
  const trace: string[] = [];
  pipeline
    .use('authenticate', (ctx) => {
      trace.push('authenticate');
      return ctx.credential === 'good' ? { kind: 'master' } : undefined;
    })
    .use('modelAccess', () => void trace.push('modelAccess'))
    .use('rateLimit', () => void trace.push('rateLimit'))
    .use('cacheLookup', async (_ctx, _request, gate) => {
      trace.push('cacheLookup');
      if (behaviour.gateInLookup === true) {
        await gate();
        trace.push('lookup after gate');
      }
      return behaviour.cached?.();
    })
    .use('budgetReservation', () => void trace.push('budgetReservation'))
    .use('settleCost', (ctx) => {
      trace.push(`settleCost:${ctx.status}`);
      ctx.costUsd = 0.5;
    })
    .use('log', (ctx) => void trace.push(`log:${ctx.status}`));
  return { pipeline, trace, seen };
}

function context(credential = 'good'): RequestContext {
  return new RequestContext({ kind: 'chat', credential, signal: new AbortController().signal });
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

describe('Pipeline', () => {
  it('declares the fixed stage order', () => {
    expect(PIPELINE_ORDER).toEqual([
      'authenticate',
      'modelAccess',
      'rateLimit',
      'cacheLookup',
      'budgetReservation',
      'routeAndCall',
      'settleCost',
      'respond',
      'log',
    ]);
  });

  it('looks up the cache before the rate limit, and limits misses only, when hits do not count', async () => {
    const cache: { stored?: ChatResponse } = {};
    const { pipeline, trace } = makePipeline({
      cacheHitsCountForRateLimits: false,
      cached: () => cache.stored,
    });
    const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'x' }] };
    await pipeline.chat(context(), request);
    expect(trace.slice(0, 5)).toEqual([
      'authenticate',
      'modelAccess',
      'cacheLookup',
      'rateLimit',
      'budgetReservation',
    ]);
    trace.length = 0;
    cache.stored = response;
    await pipeline.chat(context(), request);
    expect(trace).toEqual(['authenticate', 'modelAccess', 'cacheLookup', 'settleCost:success']);
  });

  it('a lookup that opens its gate takes the rate-limit slot then, once, hit or miss', async () => {
    const cache: { stored?: ChatResponse } = {};
    const { pipeline, trace } = makePipeline({
      cacheHitsCountForRateLimits: false,
      gateInLookup: true,
      cached: () => cache.stored,
    });
    const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'x' }] };
    await pipeline.chat(context(), request);
    expect(trace.slice(0, 5)).toEqual([
      'authenticate',
      'modelAccess',
      'cacheLookup',
      'rateLimit',
      'lookup after gate',
    ]);
    expect(trace.filter((stage) => stage === 'rateLimit')).toHaveLength(1);
    trace.length = 0;
    cache.stored = response;
    await pipeline.chat(context(), request);
    expect(trace).toEqual([
      'authenticate',
      'modelAccess',
      'cacheLookup',
      'rateLimit',
      'lookup after gate',
      'settleCost:success',
    ]);
  });

  it('with hits counting, the gate of a lookup takes nothing more', async () => {
    const { pipeline, trace } = makePipeline({ gateInLookup: true });
    await pipeline.chat(context(), {
      model: 'chat',
      messages: [{ role: 'user' as const, content: 'x' }],
    });
    expect(trace.filter((stage) => stage === 'rateLimit')).toHaveLength(1);
  });

  it('runs the hooks in order, settles once, logs after returning, and strips gateway fields', async () => {
    const { pipeline, trace, seen } = makePipeline();
    const ctx = context();
    const answer = await pipeline.chat(ctx, {
      model: 'chat',
      messages: [{ role: 'user', content: 'x' }],
      mock_response: 'm',
      metadata: { a: 1 },
      provider_options: { fake: { x: 1 } },
      fallbacks: ['other'],
      cache: { 'no-cache': true },
      service_tier: 'flex',
    });
    expect(answer).toBe(response);
    expect(trace).toEqual([
      'authenticate',
      'modelAccess',
      'rateLimit',
      'cacheLookup',
      'budgetReservation',
      'settleCost:success',
    ]);
    await nextTick();
    expect(trace.at(-1)).toBe('log:success');
    expect(seen[0]?.request).toEqual({
      model: 'chat',
      messages: [{ role: 'user', content: 'x' }],
      service_tier: 'flex',
    });
    expect(ctx.attempts).toHaveLength(1);
    expect(ctx.attempts[0]).toMatchObject({ deploymentId: 'fake-1', errorCode: undefined });
    expect(ctx.usage?.total_tokens).toBe(4);
  });

  it('logs every request settled in the same turn once, after they all returned', async () => {
    const { pipeline, trace } = makePipeline();
    const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'x' }] };
    await Promise.all([1, 2, 3].map(() => pipeline.chat(context(), request)));
    expect(trace.filter((entry) => entry.startsWith('log:'))).toEqual([]);
    await nextTick();
    expect(trace.filter((entry) => entry.startsWith('log:'))).toEqual([
      'log:success',
      'log:success',
      'log:success',
    ]);
    await pipeline.chat(context(), request);
    await nextTick();
    expect(trace.filter((entry) => entry.startsWith('log:'))).toHaveLength(4);
  });

  it('refuses an unknown key before any other stage, and still settles and logs once', async () => {
    const { pipeline, trace } = makePipeline();
    const failure = await pipeline
      .chat(context('bad'), { model: 'chat', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'invalid_api_key', status: 401 });
    await nextTick();
    expect(trace).toEqual(['authenticate', 'settleCost:error', 'log:error']);
  });

  it('records a failed attempt with its error code', async () => {
    const { pipeline, trace } = makePipeline({
      generate: () =>
        Promise.reject(new GatewayError('upstream_error', 'boom', { upstreamStatus: 500 })),
    });
    const ctx = context();
    await expect(
      pipeline.chat(ctx, { model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'upstream_error',
      layer: 'provider',
    });
    expect(ctx.attempts[0]?.errorCode).toBe('upstream_error');
    await nextTick();
    expect(trace.filter((t) => t.startsWith('settleCost') || t.startsWith('log'))).toEqual([
      'settleCost:error',
      'log:error',
    ]);
  });

  it('a stream settles once at its end and carries the cost on the final usage chunk', async () => {
    const { pipeline, trace } = makePipeline();
    const ctx = context();
    const stream = await pipeline.stream(ctx, {
      model: 'chat',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(trace.some((t) => t.startsWith('settleCost'))).toBe(false);
    const chunks: ChatChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? 'usage')).toEqual(['a', 'b', 'usage']);
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: 5, cost: 0.5 });
    expect(trace.filter((t) => t.startsWith('settleCost'))).toEqual(['settleCost:success']);
    expect(ctx.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('a stream failing before its first chunk rejects like a normal request', async () => {
    const { pipeline } = makePipeline({
      chunks: async function* () {
        await Promise.resolve();
        throw new GatewayError('upstream_rate_limited', 'slow down', { upstreamStatus: 429 });
        yield chunk('never');
      },
    });
    await expect(
      pipeline.stream(context(), { model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      status: 429,
    });
  });

  it('a stream failing mid-way throws from the iterator and settles as error, once', async () => {
    const { pipeline, trace } = makePipeline({
      chunks: async function* () {
        yield chunk('a');
        throw new GatewayError('upstream_connection_failed', 'reset');
      },
    });
    const stream = await pipeline.stream(context(), {
      model: 'chat',
      messages: [{ role: 'user', content: 'x' }],
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toMatchObject({ code: 'upstream_connection_failed' });
    expect(seen).toEqual(['a']);
    expect(trace.filter((t) => t.startsWith('settleCost'))).toEqual(['settleCost:error']);
  });

  it('a stream the consumer abandons settles as cancelled', async () => {
    const { pipeline, trace } = makePipeline();
    const stream = await pipeline.stream(context(), {
      model: 'chat',
      messages: [{ role: 'user', content: 'x' }],
    });
    for await (const first of stream) {
      expect(first.choices[0]?.delta.content).toBe('a');
      break;
    }
    await stream.return();
    expect(trace.filter((t) => t.startsWith('settleCost'))).toEqual(['settleCost:cancelled']);
  });

  it('serves a cache hit without calling the adapter', async () => {
    const { pipeline, seen } = makePipeline();
    pipeline.use('cacheLookup', (ctx) => {
      ctx.cacheStatus = 'hit';
      return response;
    });
    const ctx = context();
    await pipeline.chat(ctx, { model: 'chat', messages: [{ role: 'user', content: 'x' }] });
    expect(seen).toHaveLength(0);
    expect(ctx.cacheStatus).toBe('hit');
  });
});
