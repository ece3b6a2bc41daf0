import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseJson } from '../../../core/json.js';
import { reply, type SseOptions, type SseReply } from '../../../../test/support/fake-upstream.js';

/**
 * Test support for Bedrock's binary event stream (not a fixture itself; it lives here so the
 * build leaves it out).
 *
 * Fixtures (`*.events.txt`) hold one event per line, `{"event": "<:event-type>", "payload":
 * {...}}` or `{"exception": "<:exception-type>", "payload": {...}}`, and are encoded into real
 * frames with the smithy codec, with the headers Bedrock sends (`:event-type`, `:content-type`,
 * `:message-type`). A test with the official `@aws-sdk/client-bedrock-runtime` proves the
 * frames are what the SDK reads.
 *
 * The shared fake upstream writes text only, so binary bodies go through a small front: the
 * fake upstream answers with the frames as base64 lines (content type FRAMES_CONTENT_TYPE), and
 * the front forwards every request to it unchanged and turns such an answer back into bytes,
 * line by line, so stalls, chunk delays and resets of the fake upstream still reach the client.
 */

export const FRAMES_CONTENT_TYPE = 'application/x-test-event-stream-frames';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export interface EventLine {
  readonly event?: string;
  readonly exception?: string;
  readonly payload: unknown;
}

/** One fixture line → one binary frame, headed as Bedrock heads it. */
export function encodeEventFrame(line: EventLine): Uint8Array {
  const body = fromUtf8(JSON.stringify(line.payload));
  const kind: Record<string, { type: 'string'; value: string }> =
    line.exception === undefined
      ? { ':event-type': { type: 'string', value: line.event ?? '' } }
      : { ':exception-type': { type: 'string', value: line.exception } };
  return codec.encode({
    headers: {
      ...kind,
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: line.exception === undefined ? 'event' : 'exception' },
    },
    body,
  });
}

/** Reads an `.events.txt` fixture as its lines. */
export async function loadEventLines(file: URL): Promise<EventLine[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parsed = parseJson(line);
      if (!parsed.ok) throw new Error(`${String(file)}: ${parsed.message}`);
      return parsed.value as EventLine;
    });
}

export async function loadEventFrames(file: URL): Promise<Uint8Array[]> {
  return (await loadEventLines(file)).map(encodeEventFrame);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.length)));
}

/**
 * A fake-upstream reply carrying binary chunks. By default one chunk per frame; `pieceBytes`
 * re-cuts the whole body into pieces of that size, so frames straddle network chunks.
 */
export function framesReply(
  frames: readonly Uint8Array[],
  options: SseOptions & { readonly pieceBytes?: number } = {},
): SseReply {
  const { pieceBytes, ...sse } = options;
  let chunks: Uint8Array[] = [...frames];
  if (pieceBytes !== undefined) {
    const all = concatBytes(frames);
    chunks = [];
    for (let start = 0; start < all.length; start += pieceBytes) {
      chunks.push(all.subarray(start, start + pieceBytes));
    }
  }
  return reply.sse(
    chunks.map((chunk) => `${Buffer.from(chunk).toString('base64')}\n`),
    {
      ...sse,
      raw: true,
      done: false,
      headers: { 'content-type': FRAMES_CONTENT_TYPE, ...sse.headers },
    },
  );
}

export interface EventStreamFront {
  /** `http://127.0.0.1:<port>`: point the deployment's api_base here. */
  readonly url: string;
  /** The fake upstream every request is forwarded to. */
  target: string;
  close(): Promise<void>;
}

function forward(
  target: string,
  exchange: { request: IncomingMessage; response: ServerResponse },
): void {
  const { request, response } = exchange;
  const url = new URL(request.url ?? '/', target);
  const upstream = httpRequest(url, {
    method: request.method,
    headers: request.headers,
  });
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  upstream.on('error', () => (request.socket).resetAndDestroy());
  upstream.on('response', (answer) => {
    answer.on('error', () => (request.socket).resetAndDestroy());
    if (answer.headers['content-type'] !== FRAMES_CONTENT_TYPE) {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      return;
    }
    response.writeHead(answer.statusCode ?? 200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': 'c5b0b0a4-2a4b-4cd2-9f0e-1f3d8c4e5a6b',
    });
    response.flushHeaders();
    let pending = '';
    answer.setEncoding('utf8');
    answer.on('data', (text: string) => {
      pending += text;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        response.write(Buffer.from(pending.slice(0, newline), 'base64'));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    });
    answer.on('end', () => response.end());
  });
  request.pipe(upstream);
}

/** Starts a front on 127.0.0.1 forwarding to `target` (changeable between tests). */
export async function startEventStreamFront(target = ''): Promise<EventStreamFront> {
  const sockets = new Set<Socket>();
  const front = { target };
  const server: Server = createServer((request, response) =>
    forward(front.target, { request, response }),
  );
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(front, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
