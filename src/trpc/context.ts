import type { Tollgate } from '../tollgate.js';
import type { TrpcContext } from './trpc-context.js';
import { NEVER_CANCELLED } from '../core/cancellation.js';

/**
 * The context of one tRPC HTTP request. The key is authenticated here, once, with the pipeline's
 * own authenticate stage (master key or virtual key), before any input is read: an anonymous
 * caller cannot make the gateway parse a large body. A missing or unknown key fails every call
 * of the request with UNAUTHORIZED.
 */
export async function createTrpcContext(
  tollgate: Tollgate,
  request: {
    credential: string | undefined;
    receivedAt: number;
    idempotencyKey?: string | undefined;
  },
): Promise<TrpcContext> {
  const probe = tollgate.createContext({
    kind: 'chat',
    credential: request.credential,
    signal: NEVER_CANCELLED,
    receivedAt: request.receivedAt,
  });
  const principal = await tollgate.pipeline.authenticate(probe);
  return {
    tollgate,
    credential: request.credential,
    principal,
    receivedAt: request.receivedAt,
    idempotencyKey: request.idempotencyKey,
    served: [],
  };
}
