import { Pool, errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import { GatewayError, codeForUpstreamStatus, parseRetryAfter } from './errors.js';
import { redactUpstreamBody } from './redact.js';
import { Cancellation, type CancelSignal } from './cancellation.js';

/**
 * Upstream HTTP for every adapter: one keep-alive undici Pool per origin, shared by the
 * deployments that call it; timeouts and network failures become provider-layer GatewayErrors.
 */

export interface UpstreamRequest {
  /** Path and query, starting with `/`. */
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The caller's signal (client disconnect, router deadline). */
  readonly signal: CancelSignal;
  /** For a JSON call, the whole exchange; for a stream, until the response headers. */
  readonly timeoutMs: number;
  /** Longest silence allowed between body chunks. */
  readonly idleTimeoutMs: number;
}

export interface UpstreamTarget {
  /** Provider name, for errors. */
  readonly provider: string;
  /** Secrets to scrub from upstream bodies quoted in errors. */
  readonly secrets: readonly string[];
}

export interface UpstreamJsonResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

export interface UpstreamStreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body; stopping iteration early destroys the upstream connection. */
  readonly body: AsyncIterable<Uint8Array>;
}

/** Thrown reason when our own deadline aborts a call. */
class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** Upper bound on an error body we read, so a hostile upstream cannot exhaust memory. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  /** The pool for an origin (`http://host:port`), created on first use. */
  pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: 512,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        pipelining: 1,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}

/** Splits an `api_base` into the origin the pool connects to and the base path to prefix. */
export function splitBaseUrl(apiBase: string): {
  origin: string;
  basePath: string;
  search: string;
} {
  const url = new URL(apiBase);
  const basePath = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, basePath, search: url.search };
}

/** Appends a standard path to a base path, unless the base already ends with it (SPEC §2). */
export function joinUpstreamPath(basePath: string, suffix: string): string {
  if (basePath.endsWith(suffix)) return basePath;
  return `${basePath}${suffix}`;
}

interface Deadline {
  readonly signal: Cancellation;
  /** Stops the timer; the caller's signal still aborts the call. */
  stopTimer(): void;
  /** Stops the timer and unlinks the caller's signal. */
  clear(): void;
}

/**
 * Links the caller's signal to a deadline of our own. A Cancellation, not an AbortController
 * (see cancellation.ts: an AbortSignal per call costs tens of µs in GC on Node 20), and not
 * AbortSignal.any (leaks on Node 20).
 */
function startDeadline(callerSignal: CancelSignal, timeoutMs: number): Deadline {
  const signal = new Cancellation();
  const unlink = signal.follow(callerSignal);
  const timer = setTimeout(() => signal.abort(new DeadlineExceeded()), timeoutMs);
  timer.unref();
  return {
    signal,
    stopTimer() {
      clearTimeout(timer);
    },
    clear() {
      clearTimeout(timer);
      unlink();
    },
  };
}

function isTimeoutError(error: unknown): boolean {
  return (
    error instanceof DeadlineExceeded ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  );
}

/** Maps a failure to reach or read the upstream onto a GatewayError. */
export function upstreamFailure(
  error: unknown,
  target: UpstreamTarget,
  deadline?: { signal: CancelSignal },
): GatewayError {
  if (error instanceof GatewayError) return error;
  const reason: unknown = deadline?.signal.aborted ? deadline.signal.reason : undefined;
  if (isTimeoutError(error) || reason instanceof DeadlineExceeded) {
    return new GatewayError('upstream_timeout', `${target.provider} did not answer in time`, {
      provider: target.provider,
      cause: error,
    });
  }
  if (reason !== undefined || (error instanceof Error && error.name === 'AbortError')) {
    return new GatewayError('client_closed_request', 'The client closed the request', {
      provider: target.provider,
      retryable: false,
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new GatewayError(
    'upstream_connection_failed',
    `Could not complete the request to ${target.provider}: ${detail}`,
    { provider: target.provider, cause: error },
  );
}

async function readBounded(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_ERROR_BODY_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a request and reads the whole body, bounded by `timeoutMs` end to end. */
export async function requestJson(
  pool: Dispatcher,
  request: UpstreamRequest,
  target: UpstreamTarget,
): Promise<UpstreamJsonResponse> {
  const deadline = startDeadline(request.signal, request.timeoutMs);
  try {
    const response = await pool.request({
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: deadline.signal,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.idleTimeoutMs,
    });
    const text =
      response.statusCode >= 400 ? await readBounded(response.body) : await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  } catch (error) {
    throw upstreamFailure(error, target, deadline);
  } finally {
    deadline.clear();
  }
}

/**
 * Sends a request whose body is a stream. Resolves at the response headers; after that only the
 * idle timeout and the caller's signal apply. A non-2xx answer is read (bounded) and returned.
 */
export async function requestStream(
  pool: Dispatcher,
  request: UpstreamRequest,
  target: UpstreamTarget,
): Promise<UpstreamStreamResponse | UpstreamJsonResponse> {
  const deadline = startDeadline(request.signal, request.timeoutMs);
  let response: Dispatcher.ResponseData;
  try {
    response = await pool.request({
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: deadline.signal,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.idleTimeoutMs,
    });
  } catch (error) {
    deadline.clear();
    throw upstreamFailure(error, target, deadline);
  }
  // The deadline only bounds the wait for headers; the stream is bounded by the idle timeout,
  // and the caller's signal stays linked until the body ends.
  deadline.stopTimer();
  // Anything but a 2xx is an answer to read and map, never a stream (a 3xx would otherwise end
  // as a "truncated stream" instead of the status error it is).
  if (response.statusCode < 200 || response.statusCode >= 300) {
    try {
      const text = await readBounded(response.body);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      throw upstreamFailure(error, target, deadline);
    } finally {
      deadline.clear();
    }
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    body: streamBody(response.body, target, deadline),
  };
}

async function* streamBody(
  body: Dispatcher.ResponseData['body'],
  target: UpstreamTarget,
  deadline: Deadline,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk as Uint8Array;
  } catch (error) {
    throw upstreamFailure(error, target, deadline);
  } finally {
    deadline.clear();
    if (!body.destroyed) body.destroy();
  }
}

/** Whether a response is the error variant (read fully) rather than a live stream. */
export function isErrorResponse(
  response: UpstreamStreamResponse | UpstreamJsonResponse,
): response is UpstreamJsonResponse {
  return 'text' in response;
}

/**
 * The generic GatewayError for a non-2xx upstream answer. Providers refine it (context length,
 * content filter...) from their own error bodies in their `*-error.ts` file.
 */
export function upstreamStatusError(
  response: UpstreamJsonResponse,
  target: UpstreamTarget,
  message?: string,
): GatewayError {
  const code = codeForUpstreamStatus(response.status);
  return new GatewayError(code, message ?? `${target.provider} returned HTTP ${response.status}`, {
    provider: target.provider,
    upstreamStatus: response.status,
    upstreamBody: redactUpstreamBody(response.text, target.secrets),
    retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
  });
}
