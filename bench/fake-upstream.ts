/**
 * A fake OpenAI upstream for the benchmark: `POST /v1/chat/completions` answers a fixed
 * chat.completion, or, for `"stream": true`, the same answer as an SSE stream written without
 * delays. Everything is pre-built so the upstream adds as little as possible; it runs as its
 * own process so its CPU is not counted against the gateway.
 *
 *   tsx bench/fake-upstream.ts [--port N] [--host H]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { CHAT_COMPLETION_BODY, streamEvents } from './chat-completion-fixture.js';
import { parseListenArguments, serveUntilSignal } from './serve-until-signal.js';

const STREAM_WITH_USAGE = streamEvents(true);
const STREAM_WITHOUT_USAGE = streamEvents(false);

/** The two request fields the fake upstream reads. */
interface StreamOptions {
  stream: boolean;
  includeUsage: boolean;
}

/** Reads `stream` and `stream_options.include_usage`; undefined when the body is not a JSON object. */
export function readStreamOptions(text: string): StreamOptions | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const streamOptions = record.stream_options;
  const includeUsage =
    typeof streamOptions === 'object' &&
    streamOptions !== null &&
    (streamOptions as Record<string, unknown>).include_usage === true;
  return { stream: record.stream === true, includeUsage };
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({
    error: { message, type: 'invalid_request_error', param: null, code: null },
  });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function answer(res: ServerResponse, options: StreamOptions): void {
  if (!options.stream) {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': CHAT_COMPLETION_BODY.length,
    });
    res.end(CHAT_COMPLETION_BODY);
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  // One write per event, as a real upstream sends them; no timers between them.
  for (const event of options.includeUsage ? STREAM_WITH_USAGE : STREAM_WITHOUT_USAGE) {
    res.write(event);
  }
  res.end();
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    req.resume();
    sendError(res, 404, `No route for ${req.method ?? ''} ${req.url ?? ''}`);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const options = readStreamOptions(Buffer.concat(chunks).toString('utf8'));
    if (options === undefined) sendError(res, 400, 'The body is not a JSON object');
    else answer(res, options);
  });
}

/** A fresh fake upstream server (not listening). */
export function createFakeUpstream(): ReturnType<typeof createServer> {
  return createServer({ keepAliveTimeout: 65_000 }, handle);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  serveUntilSignal(
    createFakeUpstream(),
    'fake upstream',
    parseListenArguments(process.argv.slice(2)),
  );
}
