import { completionCreateInputSchema, completionStreamInputSchema } from '../inputs.js';
import { streamCompletion } from '../completion-stream.js';
import { requestProcedure, router } from '../trpc.js';
import { known } from '../wire.js';
import { NEVER_CANCELLED } from '../../core/cancellation.js';

/** Chat completions through the same pipeline as `POST /v1/chat/completions`. */
export const completionsRouter = router({
  /** One chat completion (non-streaming). */
  create: requestProcedure('chat')
    .input(completionCreateInputSchema)
    .mutation(async ({ ctx, input, signal }) => {
      const requestCtx = ctx.tollgate.createContext({
        kind: 'chat',
        credential: ctx.credential,
        // The HTTP request's signal: a client that goes away cancels the upstream call.
        signal: signal ?? NEVER_CANCELLED,
        receivedAt: ctx.receivedAt,
      });
      ctx.served.push(requestCtx);
      return known(await ctx.tollgate.pipeline.chat(requestCtx, { ...input, stream: false }));
    }),

  /**
   * A streamed chat completion over SSE: tracked events, one `ChatCompletionChunk` each.
   * Unsubscribing cancels the upstream request; a reconnect never re-runs it (see
   * completion-stream.ts).
   */
  stream: requestProcedure('chat')
    .input(completionStreamInputSchema)
    .subscription(({ ctx, input, signal }) =>
      streamCompletion(
        {
          tollgate: ctx.tollgate,
          credential: ctx.credential,
          principal: ctx.principal,
          receivedAt: ctx.receivedAt,
          signal,
          idempotencyKey: ctx.idempotencyKey,
        },
        input,
      ),
    ),
});
