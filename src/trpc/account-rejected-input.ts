import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { RequestKind } from '../core/request-context.js';
import type { Tollgate } from '../tollgate.js';
import { gatewayErrorOf } from './gateway-error-of.js';
import { NEVER_CANCELLED } from '../core/cancellation.js';

/**
 * A completion or embedding whose input fails validation is still a request of an authenticated
 * key. Like the REST shim, which rejects such a body through the pipeline after authenticating,
 * it settles and gets its one spend row with the error (SPEC §6). Only input errors: anything the
 * pipeline threw has already been accounted by the pipeline itself.
 */
export async function accountRejectedInput(
  caller: { tollgate: Tollgate; credential: string | undefined; receivedAt: number },
  rejected: { kind: RequestKind; error: TRPCError; signal: AbortSignal | undefined },
): Promise<void> {
  const { error } = rejected;
  if (error.code !== 'BAD_REQUEST' || !(error.cause instanceof z.core.$ZodError)) return;
  const ctx = caller.tollgate.createContext({
    kind: rejected.kind,
    credential: caller.credential,
    signal: rejected.signal ?? NEVER_CANCELLED,
    receivedAt: caller.receivedAt,
  });
  await caller.tollgate.pipeline.authenticate(ctx);
  await caller.tollgate.pipeline.reject(ctx, gatewayErrorOf(error));
}
