import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_CONFIG,
  startTestGateway,
  TEST_MASTER_KEY,
  type TestGateway,
} from '../support/test-gateway.js';

/** The /trpc mount on the gateway's one HTTP server, seen on the wire. */

let gateway: TestGateway;
const auth = { authorization: `Bearer ${TEST_MASTER_KEY}` };
beforeAll(async () => {
  gateway = await startTestGateway(MOCK_CONFIG, { maxBodyBytes: 4_096, bodyTimeoutMs: 200 });
});
afterAll(async () => {
  await gateway.close();
});

interface TrpcErrorBody {
  error: { message: string; code: number; data: { code: string; gateway: { code: string } } };
}

describe('the /trpc mount', () => {
  it('serves procedures under /trpc, next to the REST shim on the same port', async () => {
    const trpc = await fetch(`${gateway.url}/trpc/models.list`, { headers: auth });
    expect(trpc.status).toBe(200);
    const body = (await trpc.json()) as { result: { data: { object: string } } };
    expect(body.result.data.object).toBe('list');
    const rest = await fetch(`${gateway.url}/v1/models`, { headers: auth });
    expect(rest.status).toBe(200);
    // Only /trpc and below belong to tRPC.
    const lookalike = await fetch(`${gateway.url}/trpcx/models.list`, { headers: auth });
    expect(lookalike.status).toBe(404);
    expect(await lookalike.json()).toMatchObject({ error: { code: 'route_not_found' } });
  });

  it('answers protocol errors in tRPC’s shape with the gateway code', async () => {
    const wrongMethod = await fetch(`${gateway.url}/trpc/completions.create`, { headers: auth });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as TrpcErrorBody).error.data).toMatchObject({
      code: 'METHOD_NOT_SUPPORTED',
      gateway: { code: 'method_not_allowed' },
    });
    const tooLarge = await fetch(`${gateway.url}/trpc/completions.create`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'x'.repeat(10_000) }],
      }),
    });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as TrpcErrorBody).error.data).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      gateway: { code: 'payload_too_large' },
    });
  });

  it('closes the connection of a client too slow to send its body', async () => {
    const { port } = new URL(gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    const closed = new Promise<number>((resolve) =>
      socket.once('close', () => resolve(performance.now())),
    );
    socket.on('error', () => undefined);
    const started = performance.now();
    socket.write(
      'POST /trpc/completions.create HTTP/1.1\r\nHost: x\r\n' +
        `Authorization: Bearer ${TEST_MASTER_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":',
    );
    expect((await closed) - started).toBeLessThan(2_000);
  });

  it('sends the x-tollgate-* headers of the one request a call ran, as the REST shim does', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${gateway.url}/trpc/${path}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const chat = await post('completions.create', {
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'headers please' }],
    });
    expect(chat.status).toBe(200);
    expect(chat.headers.get('x-tollgate-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(chat.headers.get('x-tollgate-model-group')).toBe('mock/echo');
    expect(chat.headers.get('x-tollgate-provider')).toBe('mock');
    expect(chat.headers.get('x-tollgate-attempts')).toBe('1');
    expect(Number(chat.headers.get('x-tollgate-cost'))).toBeGreaterThanOrEqual(0);
    expect(Number(chat.headers.get('x-tollgate-overhead-ms'))).toBeGreaterThan(0);

    const unknown = await post('completions.create', {
      model: 'no-such-model',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-tollgate-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    // Reads that run no gateway request carry none.
    const models = await fetch(`${gateway.url}/trpc/models.list`, { headers: auth });
    expect(models.headers.get('x-tollgate-request-id')).toBeNull();
  });
});
