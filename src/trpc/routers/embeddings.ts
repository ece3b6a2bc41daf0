import { embeddingCreateInputSchema } from '../inputs.js';
import { requestProcedure, router } from '../trpc.js';
import { NEVER_CANCELLED } from '../../core/cancellation.js';

/** Embeddings through the same pipeline as `POST /v1/embeddings`. */
export const embeddingsRouter = router({
  create: requestProcedure('embeddings')
    .input(embeddingCreateInputSchema)
    .mutation(({ ctx, input, signal }) => {
      const requestCtx = ctx.tollgate.createContext({
        kind: 'embeddings',
        credential: ctx.credential,
        signal: signal ?? NEVER_CANCELLED,
        receivedAt: ctx.receivedAt,
      });
      ctx.served.push(requestCtx);
      return ctx.tollgate.pipeline.embed(requestCtx, input);
    }),
});
