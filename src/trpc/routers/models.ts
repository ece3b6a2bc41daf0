import { getModel, listModels } from '../../resolvers/models.js';
import { idInputSchema } from '../inputs.js';
import { gatewayProcedure, router } from '../trpc.js';

/** The models the calling key may use (all of them for the master key). */
export const modelsRouter = router({
  list: gatewayProcedure.query(({ ctx }) => listModels(ctx.tollgate.catalog, ctx.principal)),
  /** One model by id; names served by a wildcard group resolve too. */
  get: gatewayProcedure
    .input(idInputSchema)
    .query(({ ctx, input }) =>
      getModel(ctx.tollgate.catalog, { principal: ctx.principal, id: input.id }),
    ),
});
