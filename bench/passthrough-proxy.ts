/**
 * The practical floor for a Node gateway: a node:http server that reads the request body,
 * forwards it through an undici Pool with keep-alive connections, and pipes the answer back
 * unbuffered. No parsing, no validation, no auth. Runs as its own process so its CPU can be
 * measured alone.
 *
 *   tsx bench/passthrough-proxy.ts --upstream http://127.0.0.1:PORT [--port N] [--host H]
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { parseListenArguments, serveUntilSignal } from './serve-until-signal.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded in either direction. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
];
/** Upstream, undici computes `host` and `content-length` itself. */
const NOT_SENT_UPSTREAM = new Set([...HOP_BY_HOP, 'host', 'content-length']);
/** Downstream, length-delimited answers keep their content-length; streams are re-chunked. */
const NOT_SENT_DOWNSTREAM = new Set(HOP_BY_HOP);

function forwardedHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  dropped: ReadonlySet<string>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !dropped.has(name)) out[name] = value;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function forward(pool: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const controller = new AbortController();
  // A client that goes away aborts the upstream request, as a gateway must.
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const body = await readBody(req);
  const upstream = await pool.request({
    method: req.method === 'POST' ? 'POST' : 'GET',
    path: req.url ?? '/',
    headers: forwardedHeaders(req.headers, NOT_SENT_UPSTREAM),
    body: body.length === 0 ? null : body,
    signal: controller.signal,
  });
  res.writeHead(upstream.statusCode, forwardedHeaders(upstream.headers, NOT_SENT_DOWNSTREAM));
  await pipeline(upstream.body, res);
}

/** A pass-through proxy to `upstream` (an origin such as http://127.0.0.1:8080), not listening. */
export function createPassthroughProxy(upstream: string): {
  server: ReturnType<typeof createServer>;
  pool: Pool;
} {
  const pool = new Pool(upstream, { keepAliveTimeout: 60_000, pipelining: 1 });
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    forward(pool, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type: 'proxy_error' } }));
    });
  });
  server.on('close', () => {
    pool.close().catch(() => undefined);
  });
  return { server, pool };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { upstream: { type: 'string' } },
    strict: false,
  });
  if (typeof values.upstream !== 'string') {
    process.stderr.write('Usage: passthrough-proxy.ts --upstream URL [--port N] [--host H]\n');
    process.exit(2);
  }
  const { server } = createPassthroughProxy(values.upstream);
  serveUntilSignal(server, 'pass-through proxy', parseListenArguments(process.argv.slice(2)));
}
