import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_CONFIG,
  startTestGateway,
  TEST_MASTER_KEY,
  type TestGateway,
} from '../support/test-gateway.js';

const AUTH = { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' };

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string; layer: string };
}

async function post(
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
): Promise<{ status: number; json: Envelope }> {
  const response = await fetch(url, { method: 'POST', headers: AUTH, body });
  return { status: response.status, json: (await response.json()) as Envelope };
}

/** Bad input of every kind gets a clear 4xx in the OpenAI envelope, and the server keeps serving. */
describe('bad input', () => {
  let gateway: TestGateway;
  let chatUrl: string;
  beforeAll(async () => {
    gateway = await startTestGateway(MOCK_CONFIG, { bodyTimeoutMs: 300 });
    chatUrl = `${gateway.url}/v1/chat/completions`;
  });
  afterAll(async () => {
    await gateway.close();
  });

  async function stillServes(): Promise<void> {
    const answer = await gateway.openai.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'still here' }],
    });
    expect(answer.choices[0]?.message.content).toBe('still here');
  }

  it('malformed JSON is a 400 invalid_json from the client layer', async () => {
    const { status, json } = await post(chatUrl, '{"model": "mock/echo", "messages": [');
    expect(status).toBe(400);
    expect(json.error).toMatchObject({
      code: 'invalid_json',
      type: 'invalid_request_error',
      layer: 'client',
    });
    expect(json.error.message).toMatch(/not valid JSON/);
    await stillServes();
  });

  it('an empty body is a 400', async () => {
    const { status, json } = await post(chatUrl, '');
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_json');
  });

  it('wrong types name the parameter', async () => {
    const { status, json } = await post(
      chatUrl,
      JSON.stringify({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 'ten',
      }),
    );
    expect(status).toBe(400);
    expect(json.error).toMatchObject({
      code: 'invalid_request',
      param: 'max_tokens',
      layer: 'client',
    });
  });

  it('an unknown role in a message names its path', async () => {
    const { status, json } = await post(
      chatUrl,
      JSON.stringify({ model: 'mock/echo', messages: [{ role: 'robot', content: 'x' }] }),
    );
    expect(status).toBe(400);
    expect(json.error.param).toBe('messages[0].role');
  });

  it('missing messages is a 400 naming messages', async () => {
    const { status, json } = await post(chatUrl, JSON.stringify({ model: 'mock/echo' }));
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ code: 'invalid_request', param: 'messages' });
  });

  it('a JSON array instead of an object is a 400', async () => {
    const { status } = await post(chatUrl, '[1, 2, 3]');
    expect(status).toBe(400);
  });

  it('an unknown model is a 404', async () => {
    const { status, json } = await post(
      chatUrl,
      JSON.stringify({ model: 'gpt-unknown', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(status).toBe(404);
    expect(json.error).toMatchObject({
      code: 'model_not_found',
      type: 'not_found_error',
      param: 'model',
    });
  });

  it('a 25 MB body is refused with 413 and the server keeps serving', async () => {
    const big = new Uint8Array(25 * 1024 * 1024).fill(0x61);
    const { status, json } = await post(chatUrl, big);
    expect(status).toBe(413);
    expect(json.error).toMatchObject({ code: 'payload_too_large', layer: 'client' });
    await stillServes();
  });

  it('a 25 MB body without Content-Length (chunked) is cut off with 413', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 25) controller.close();
        else {
          sent += 1;
          controller.enqueue(chunk);
        }
      },
    });
    // `duplex` is Node's (undici) extension of RequestInit; lib.dom's type, which graphql-yoga's
    // typings load, does not know it.
    const init = { method: 'POST', headers: AUTH, body, duplex: 'half' } as RequestInit;
    const response = await fetch(chatUrl, init);
    expect(response.status).toBe(413);
    await stillServes();
  });

  it('a body sent too slowly is a 408', async () => {
    const { port } = gateway.server.server.address() as { port: number };
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_MASTER_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`,
        );
      });
      let data = '';
      socket.on('data', (buffer: Buffer) => (data += buffer.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 408/);
    expect(raw).toContain('"code":"request_timeout"');
    await stillServes();
  });

  it('a missing key is a 401 before the body is read', async () => {
    const response = await fetch(chatUrl, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as Envelope).error).toMatchObject({
      code: 'missing_api_key',
      layer: 'policy',
    });
  });

  it('unknown paths are 404 and wrong methods 405, both in the envelope', async () => {
    const missing = await fetch(`${gateway.url}/v1/nothing-here`, { headers: AUTH });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Envelope).error.code).toBe('route_not_found');
    const wrongMethod = await fetch(chatUrl, { headers: AUTH });
    expect(wrongMethod.status).toBe(405);
  });

  it('bad embeddings input is a 400', async () => {
    const { status, json } = await post(
      `${gateway.url}/v1/embeddings`,
      JSON.stringify({ model: 'mock/e', input: 42 }),
    );
    expect(status).toBe(400);
    expect(json.error.param).toBe('input');
  });

  it('health and readiness answer without a key', async () => {
    const health = await fetch(`${gateway.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const readiness = await fetch(`${gateway.url}/health/readiness`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toMatchObject({ status: 'ready', database: 'ok' });
  });
});
