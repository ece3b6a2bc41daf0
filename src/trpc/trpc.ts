import { initTRPC, TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { GatewayError, isGatewayError } from '../core/errors.js';
import type { RequestKind } from '../core/request-context.js';
import { Tollgate } from '../tollgate.js';
import { accountRejectedInput } from './account-rejected-input.js';
import { gatewayErrorOf } from './gateway-error-of.js';
import { toGatewayErrorData } from './trpc-error-data.js';
import { trpcCodeForStatus } from './trpc-error-code.js';
import type { TrpcContext } from './trpc-context.js';

/** Keep-alive comments on idle SSE streams, so proxies do not cut a slow model's stream. */
export const SSE_PING_INTERVAL_MS = 10_000;

/**
 * tRPC, initialised once. The error formatter is the one place tRPC errors are shaped for clients
 * (STYLE habit 6): the tRPC code follows the gateway's HTTP status (404 → NOT_FOUND, 429 →
 * TOO_MANY_REQUESTS, 502 → BAD_GATEWAY...), `data.httpStatus` is the gateway's status and
 * `data.gateway` carries its code, layer and upstream details, as the REST envelope does.
 */
const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error, type }) {
    const gatewayError = gatewayErrorOf(error);
    const code = trpcCodeForStatus(gatewayError.status);
    return {
      message: gatewayError.message,
      // tRPC's SSE client reconnects, re-running the subscription, after any error whose JSON-RPC
      // code is -32603 (every 5xx). A completion stream must never run twice (it would be billed
      // twice), so a subscription's error is always sent with a final code; `data.code` and
      // `data.httpStatus` still say what happened.
      code:
        type === 'subscription' && gatewayError.status >= 500
          ? TRPC_ERROR_CODES_BY_KEY.CONFLICT
          : TRPC_ERROR_CODES_BY_KEY[code],
      data: {
        code,
        httpStatus: gatewayError.status,
        path: shape.data.path,
        gateway: toGatewayErrorData(gatewayError),
      },
    };
  },
  sse: {
    ping: { enabled: true, intervalMs: SSE_PING_INTERVAL_MS },
    // No `client.reconnectAfterInactivityMs`: a model may think for minutes without a chunk, and
    // a reconnect could never resume a completion anyway (see completion-stream.ts).
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Resolvers and the pipeline throw GatewayErrors; tRPC would report them as
 * INTERNAL_SERVER_ERROR. Rethrown with the matching tRPC code so that server-side consumers
 * (createCaller, onError) see the real code too; the formatter shapes the client's view.
 */
const gatewayErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') {
    const cause = result.error.cause;
    if (isGatewayError(cause) && cause.code !== 'internal_error') {
      throw new TRPCError({ code: trpcCodeForStatus(cause.status), message: cause.message, cause });
    }
  }
  return result;
});

/** Every procedure's base: gateway errors mapped, and the context's gateway narrowed to Tollgate. */
export const gatewayProcedure = t.procedure.use(gatewayErrors).use(({ ctx, next }) => {
  if (!(ctx.tollgate instanceof Tollgate)) {
    throw new GatewayError('internal_error', 'Internal gateway error', {
      cause: new Error('The tRPC context carries no gateway'),
    });
  }
  return next({ ctx: { tollgate: ctx.tollgate } });
});

/**
 * The base of completions and embeddings: requests the pipeline accounts, including those whose
 * input is rejected. Put `.input()` after it.
 */
export function requestProcedure(kind: RequestKind) {
  return gatewayProcedure.use(async ({ ctx, next, signal }) => {
    const result = await next();
    if (!result.ok) await accountRejectedInput(ctx, { kind, error: result.error, signal });
    return result;
  });
}
