import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { BodyLimits } from '../server/request-body.js';
import type { Tollgate } from '../tollgate.js';
import { credentialOf } from '../server/exchange.js';
import { RequestContext } from '../core/request-context.js';
import { gatewayHeaders } from '../server/gateway-headers.js';
import { errorHeaders } from '../server/respond.js';
import { createTrpcContext } from './context.js';
import { gatewayErrorOf } from './gateway-error-of.js';
import { openStreamsOf } from './open-streams.js';
import { appRouter } from './routers/_app.js';

/** Where tRPC is mounted on the gateway's HTTP server. */
export const TRPC_PATH = '/trpc';

/**
 * How long shutdown waits for cut streams to settle. Settling takes milliseconds (a token
 * estimate, the budget release); the bound only keeps a bug from hanging shutdown. It is not the
 * shutdown bound: that one limits how long streams may run, this one protects their accounting.
 */
const SETTLE_TIMEOUT_MS = 5_000;

/** Batched calls per HTTP request (httpBatchLink); one authentication serves them all. */
const MAX_BATCH_SIZE = 50;

export interface TrpcMount {
  /** True for `/trpc` and everything under it. */
  matches(path: string): boolean;
  /** Serves one request (the `/trpc` prefix is stripped before procedure lookup). */
  handle(req: IncomingMessage, res: ServerResponse, receivedAt: number): void;
  /**
   * Resolves when every completion stream has settled (bounded), then once more after the log
   * stage had its turn: shutdown calls it after closing connections, before the gateway (and its
   * database) closes, so that a cut stream's spend row is written.
   */
  drain(): Promise<void>;
}

/**
 * The adapter reads bodies without a deadline; as on the REST routes (408 there), a client that
 * takes longer than the body timeout to send its body loses the connection.
 */
function limitBodyTime(req: IncomingMessage, timeoutMs: number): void {
  const timer = setTimeout(() => {
    if (!req.complete) req.destroy();
  }, timeoutMs);
  const clear = (): void => clearTimeout(timer);
  req.once('end', clear);
  req.once('close', clear);
}

/** The `Idempotency-Key` header (IETF draft), when it is a sensible one. */
function idempotencyKeyOf(req: IncomingMessage): string | undefined {
  const value = req.headers['idempotency-key'];
  const key = typeof value === 'string' ? value.trim() : '';
  return key === '' || key.length > 200 ? undefined : key;
}

/** tRPC on the gateway's node:http server, through @trpc/server's node adapter. */
export function createTrpcMount(tollgate: Tollgate, limits: BodyLimits): TrpcMount {
  const receivedAtOf = new WeakMap<IncomingMessage, number>();
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: limits.maxBytes,
    maxBatchSize: MAX_BATCH_SIZE,
    // Subscriptions may also be POSTed, input in the body: an EventSource puts it in the URL, and
    // a long conversation would not fit in a request line (clients/ts POSTs them).
    allowMethodOverride: true,
    createContext: ({ req }) =>
      createTrpcContext(tollgate, {
        credential: credentialOf(req),
        receivedAt: receivedAtOf.get(req) ?? performance.now(),
        idempotencyKey: idempotencyKeyOf(req),
      }),
    // The x-tollgate-* headers of the one gateway request a call ran (a batch of several has
    // no single answer for them), and Retry-After for rate limits as the REST shim sends it (a
    // batch answers for its first error).
    responseMeta: ({ ctx, errors }) => {
      const headers: Record<string, string> = {};
      const served = ctx?.served;
      const only = served?.length === 1 ? served[0] : undefined;
      if (only instanceof RequestContext) {
        for (const [name, value] of Object.entries(gatewayHeaders(only))) {
          if (value !== undefined) headers[name] = String(value);
        }
      }
      const first = errors[0];
      if (first !== undefined) {
        const retryAfter = errorHeaders(gatewayErrorOf(first))['retry-after'];
        if (typeof retryAfter === 'string') headers['retry-after'] = retryAfter;
      }
      return { headers };
    },
    onError: ({ error, path }) => {
      const gatewayError = gatewayErrorOf(error);
      if (gatewayError.code !== 'internal_error') return;
      const cause = gatewayError.cause instanceof Error ? gatewayError.cause : error;
      tollgate.logger.error('tRPC internal error', {
        path: path ?? '',
        error: cause.stack ?? cause.message,
      });
    },
  });
  return {
    matches: (path) => path === TRPC_PATH || path.startsWith(`${TRPC_PATH}/`),
    handle(req, res, receivedAt) {
      receivedAtOf.set(req, receivedAt);
      if (req.method === 'POST') limitBodyTime(req, limits.timeoutMs);
      handler(req, res);
    },
    async drain() {
      await openStreamsOf(tollgate).whenIdle(SETTLE_TIMEOUT_MS);
      // Settling queues the spend row on the next macrotask (Pipeline.settle → log).
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
