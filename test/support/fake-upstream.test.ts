import { Agent, Pool, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

/** The fake upstream's own behaviour, so that tests built on it can trust what it reports. */

let upstream: FakeUpstream;
let agent: Agent;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  agent = new Agent({ keepAliveTimeout: 10_000 });
});
afterAll(async () => {
  await agent.close();
  await upstream.close();
});
afterEach(() => upstream.reset());

function post(path: string, body: unknown) {
  return request(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body: JSON.stringify(body),
    dispatcher: agent,
  });
}

describe('fake upstream', () => {
  it('records requests and answers queued replies in order, then the default', async () => {
    upstream.enqueue(
      reply.json({ n: 1 }),
      reply.error(429, { error: 'slow down' }, { retryAfter: '2' }),
    );
    upstream.setDefault((recorded) => reply.json({ echo: recorded.body }));
    const first = await post('/v1/a?x=1', { a: 1 });
    const second = await post('/v1/b', {});
    const third = await post('/v1/c', { c: 3 });
    expect([first.statusCode, await first.body.json()]).toEqual([200, { n: 1 }]);
    expect([second.statusCode, second.headers['retry-after']]).toEqual([429, '2']);
    await second.body.dump();
    expect(await third.body.json()).toEqual({ echo: { c: 3 } });
    expect(upstream.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['POST', '/v1/a', { x: '1' }, { a: 1 }],
      ['POST', '/v1/b', {}, {}],
      ['POST', '/v1/c', {}, { c: 3 }],
    ]);
    expect(upstream.requests[0]?.headers['x-test']).toBe('yes');
  });

  it('answers 501 when nothing is scripted', async () => {
    const response = await post('/v1/x', {});
    expect(response.statusCode).toBe(501);
    expect(await response.body.text()).toContain('nothing scripted for POST /v1/x');
  });

  it('streams SSE chunks with [DONE], each as it is written', async () => {
    upstream.enqueue(reply.sse(['{"a":1}', '{"a":2}'], { stall: { afterChunk: 1, ms: 200 } }));
    const started = performance.now();
    const response = await post('/v1/stream', {});
    const iterator = response.body[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as Buffer;
    expect(first.toString()).toBe('data: {"a":1}\n\n');
    expect(performance.now() - started).toBeLessThan(150);
    let rest = '';
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      rest += (next.value as Buffer).toString();
    }
    expect(rest).toBe('data: {"a":2}\n\ndata: [DONE]\n\n');
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect((await upstream.requests[0]?.closed)?.finished).toBe(true);
  });

  it('counts connections, so keep-alive reuse is provable', async () => {
    upstream.setDefault(reply.json({}));
    // One connection at most: the count must then be exactly one.
    const fresh = new Pool(upstream.url, { connections: 1, keepAliveTimeout: 10_000 });
    const before = upstream.connectionCount;
    for (let call = 0; call < 5; call += 1) {
      const response = await request(`${upstream.url}/v1/x`, { method: 'POST', dispatcher: fresh });
      await response.body.dump();
    }
    await fresh.close();
    expect(upstream.connectionCount - before).toBe(1);
    expect(new Set(upstream.requests.map((r) => r.connectionId)).size).toBe(1);
  });

  it('reports when a hung request is closed by the client', async () => {
    upstream.enqueue(reply.hang());
    const controller = new AbortController();
    const pending = request(`${upstream.url}/v1/hang`, {
      method: 'POST',
      body: '{}',
      signal: controller.signal,
      dispatcher: agent,
    });
    const recorded = await upstream.waitForRequest(0);
    const abortedAt = performance.now();
    controller.abort();
    await expect(pending).rejects.toThrow();
    const closed = await recorded.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - abortedAt).toBeLessThan(100);
  });

  it('resets the connection before the first byte', async () => {
    upstream.enqueue(reply.reset());
    await expect(post('/v1/reset', {})).rejects.toThrow();
  });
});
