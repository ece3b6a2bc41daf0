import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseJson } from '../../src/core/json.js';

/**
 * A fake upstream provider for tests: a real node:http server on 127.0.0.1 (ephemeral port), so
 * keep-alive, hangs, resets and slow streams are real network behaviour (STYLE habit 9).
 *
 * It records every request and answers each with the next scripted reply:
 *
 *   const upstream = await startFakeUpstream();
 *   upstream.enqueue(reply.json(completion));                      // 200 JSON
 *   upstream.enqueue(reply.error(429, body, { retryAfter: '3' })); // error status + Retry-After
 *   upstream.enqueue(reply.sse(await loadChunks(fixtureUrl)));     // SSE, then `data: [DONE]`
 *   upstream.enqueue(reply.sse(chunks, { stall: { afterChunk: 1, ms: 500 } }));
 *   upstream.enqueue(reply.sse(chunks, { resetAfterChunk: 2 }));   // TCP reset mid-stream
 *   upstream.enqueue(reply.sse(['{"broken'], { done: false }));    // a malformed chunk
 *   upstream.enqueue(reply.hang());                                // never answers
 *   upstream.enqueue(reply.reset());                               // reset before the first byte
 *   upstream.setDefault(reply.json(completion));                   // when the queue is empty
 *   upstream.setDefault((request) => reply.json(echo(request.body))); // or a handler
 *
 *   // point a deployment at it: api_base `${upstream.url}/v1`
 *   const request = await upstream.waitForRequest(0);
 *   request.path; request.query['api-version']; request.headers.authorization; request.body;
 *   const { at, finished } = await request.closed; // when its connection/response closed
 *   upstream.connectionCount;                      // TCP connections accepted so far
 *   upstream.reset();                              // forget replies and requests (per test)
 *   await upstream.close();                        // also destroys hung connections
 *
 * Replies are taken from the queue in order; when it is empty the default reply (or handler)
 * answers; without one, a 501 JSON error says that nothing was scripted. SSE chunks are payloads:
 * each becomes `data: <chunk>\n\n` (`raw: true` writes them verbatim instead), and
 * `.chunks.txt` fixtures hold one payload per line (see `loadChunks`).
 */

export interface ReplyOptions {
  /** HTTP status; 200 unless told. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before the status line. */
  readonly delayMs?: number;
}

export interface JsonReply extends ReplyOptions {
  readonly kind: 'json';
  /**
   * A value to serialise, or a string sent verbatim (invalid JSON, an HTML error page: set its
   * `content-type` in `headers`).
   */
  readonly body: unknown;
}

export interface SseOptions extends ReplyOptions {
  /** Wait this long before each chunk. */
  readonly chunkDelayMs?: number;
  /** After `afterChunk` chunks have been written, wait `ms` (Infinity: never continue). */
  readonly stall?: { readonly afterChunk: number; readonly ms: number };
  /**
   * Reset the TCP connection after this many chunks (0: right after the headers); the chunks
   * before it get 25 ms to reach the client.
   */
  readonly resetAfterChunk?: number;
  /** Send `data: [DONE]` after the chunks (default true). */
  readonly done?: boolean;
  /** Write each chunk verbatim (the caller frames the SSE, e.g. `event: error\ndata: {}\n\n`). */
  readonly raw?: boolean;
}

export interface SseReply extends SseOptions {
  readonly kind: 'sse';
  readonly chunks: readonly string[];
}

export interface HangReply {
  /** Accept the request and never answer. */
  readonly kind: 'hang';
}

export interface ResetReply {
  /** Reset the TCP connection before the first response byte. */
  readonly kind: 'reset';
}

export type FakeReply = JsonReply | SseReply | HangReply | ResetReply;

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

/** How one exchange ended on the server side. */
export interface CloseInfo {
  /** `performance.now()` when the response or its connection closed. */
  readonly at: number;
  /** True when the whole response was written; false when the connection went away first. */
  readonly finished: boolean;
}

export interface RecordedRequest {
  /** 0-based position among the requests received since the last reset. */
  readonly index: number;
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly bodyText: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly body: unknown;
  /** Which TCP connection carried it (1-based, in accept order). */
  readonly connectionId: number;
  /** `performance.now()` when the body had been read. */
  readonly receivedAt: number;
  /** Resolves when the response finished or its connection closed, whichever comes first. */
  readonly closed: Promise<CloseInfo>;
}

export interface FakeUpstream {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request since the last reset, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted since start (not cleared by reset). */
  readonly connectionCount: number;
  /** Connections currently open. */
  readonly openConnections: number;
  enqueue(...replies: FakeReply[]): void;
  /** The reply (or handler) used when the queue is empty; undefined restores the 501. */
  setDefault(reply: FakeReply | FakeHandler | undefined): void;
  /** Resolves with the request at `index` once it has arrived. */
  waitForRequest(index?: number): Promise<RecordedRequest>;
  /** Forgets queued replies, the default and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

/** Reply builders. */
export const reply = {
  json(body: unknown, options: ReplyOptions = {}): JsonReply {
    return { kind: 'json', body, ...options };
  },
  /** An error status with a body, and `Retry-After` when given. */
  error(
    status: number,
    body: unknown,
    options: { retryAfter?: string } & ReplyOptions = {},
  ): JsonReply {
    const { retryAfter, headers, ...rest } = options;
    return {
      kind: 'json',
      body,
      ...rest,
      status,
      headers: { ...headers, ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) },
    };
  },
  sse(chunks: readonly string[], options: SseOptions = {}): SseReply {
    return { kind: 'sse', chunks, ...options };
  },
  hang(): HangReply {
    return { kind: 'hang' };
  },
  reset(): ResetReply {
    return { kind: 'reset' };
  },
};

/** Reads a `.chunks.txt` fixture: one SSE payload per line, blank lines ignored. */
export async function loadChunks(file: URL | string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/** Reads a `.json` fixture. */
export async function loadJson(file: URL | string): Promise<unknown> {
  const parsed = parseJson(await readFile(file, 'utf8'));
  if (!parsed.ok) throw new Error(`Fixture ${String(file)} is not JSON: ${parsed.message}`);
  return parsed.value;
}

/** Waits `ms`, or until the signal aborts; Infinity waits for the signal only. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How long written chunks get to reach the client before a scripted mid-stream reset. */
const RESET_GRACE_MS = 25;

function resetSocket(socket: Socket): void {
  // An RST, not a FIN: what a crashed proxy or a dropped connection looks like to the client.
  if (!socket.destroyed) socket.resetAndDestroy();
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function writeJson(
  response: ServerResponse,
  script: JsonReply,
  signal: AbortSignal,
): Promise<void> {
  await pause(script.delayMs ?? 0, signal);
  if (signal.aborted) return;
  const text = typeof script.body === 'string' ? script.body : JSON.stringify(script.body);
  response.writeHead(script.status ?? 200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...script.headers,
  });
  response.end(text);
}

async function writeSse(
  response: ServerResponse,
  script: SseReply,
  signal: AbortSignal,
): Promise<void> {
  await pause(script.delayMs ?? 0, signal);
  if (signal.aborted) return;
  response.writeHead(script.status ?? 200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...script.headers,
  });
  response.flushHeaders();
  const frame = (chunk: string): string => (script.raw === true ? chunk : `data: ${chunk}\n\n`);
  for (let written = 0; written <= script.chunks.length; written += 1) {
    if (script.resetAfterChunk === written) {
      // Let the chunks already written reach the client first: an RST discards data the peer
      // has not read yet, which would make "reset after chunk N" flaky.
      await pause(RESET_GRACE_MS, signal);
      resetSocket(response.socket as Socket);
      return;
    }
    if (script.stall !== undefined && script.stall.afterChunk === written) {
      await pause(script.stall.ms, signal);
    }
    const chunk = script.chunks[written];
    if (signal.aborted || chunk === undefined) break;
    await pause(script.chunkDelayMs ?? 0, signal);
    if (signal.aborted) return;
    response.write(frame(chunk));
  }
  if (signal.aborted) return;
  response.end(script.done === false ? undefined : 'data: [DONE]\n\n');
}

interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly signal: AbortSignal;
}

async function answer(exchange: Exchange, script: FakeReply): Promise<void> {
  const { response, signal } = exchange;
  switch (script.kind) {
    case 'json':
      return writeJson(response, script, signal);
    case 'sse':
      return writeSse(response, script, signal);
    case 'hang':
      return;
    case 'reset':
      resetSocket(exchange.request.socket);
      return;
  }
}

const NOTHING_SCRIPTED = (request: RecordedRequest): FakeReply =>
  reply.json(
    {
      error: {
        message: `fake-upstream: nothing scripted for ${request.method} ${request.url}`,
        type: 'fake_upstream',
        param: null,
        code: null,
      },
    },
    { status: 501 },
  );

/** Starts a fake upstream on 127.0.0.1 with an ephemeral port. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const queue: FakeReply[] = [];
  let fallback: FakeReply | FakeHandler | undefined;
  let requests: RecordedRequest[] = [];
  let waiters: Array<{ index: number; resolve: (request: RecordedRequest) => void }> = [];
  const sockets = new Map<Socket, number>();
  let connectionCount = 0;

  const record = (request: RecordedRequest): void => {
    requests.push(request);
    waiters = waiters.filter((waiter) => {
      if (waiter.index !== request.index) return true;
      waiter.resolve(request);
      return false;
    });
  };

  const nextReply = async (request: RecordedRequest): Promise<FakeReply> => {
    const queued = queue.shift();
    if (queued !== undefined) return queued;
    if (fallback === undefined) return NOTHING_SCRIPTED(request);
    return typeof fallback === 'function' ? fallback(request) : fallback;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const controller = new AbortController();
    const closed = new Promise<CloseInfo>((resolve) => {
      response.on('close', () => {
        controller.abort();
        resolve({ at: performance.now(), finished: response.writableFinished });
      });
    });
    const bodyText = await readBody(request);
    const parsed = parseJson(bodyText);
    const url = new URL(request.url ?? '/', 'http://fake-upstream');
    const recorded: RecordedRequest = {
      index: requests.length,
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      bodyText,
      body: parsed.ok ? parsed.value : undefined,
      connectionId: sockets.get(request.socket) ?? 0,
      receivedAt: performance.now(),
      closed,
    };
    record(recorded);
    const scripted = await nextReply(recorded);
    await answer({ request, response, signal: controller.signal }, scripted);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(`fake-upstream failed: ${String(error)}`);
    });
  });
  server.on('connection', (socket: Socket) => {
    connectionCount += 1;
    sockets.set(socket, connectionCount);
    // Each SSE chunk must leave as its own packet, like a real provider's.
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get connectionCount() {
      return connectionCount;
    },
    get openConnections() {
      return sockets.size;
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    setDefault(next) {
      fallback = next;
    },
    waitForRequest(index = 0) {
      const arrived = requests[index];
      if (arrived !== undefined) return Promise.resolve(arrived);
      return new Promise((resolve) => waiters.push({ index, resolve }));
    },
    reset() {
      queue.length = 0;
      fallback = undefined;
      requests = [];
      waiters = [];
    },
    async close() {
      for (const socket of sockets.keys()) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
