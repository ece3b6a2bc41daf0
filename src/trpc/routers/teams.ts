import { z } from 'zod';
import { createTeamInputSchema, updateTeamInputSchema } from '../../keys/key-inputs.js';
import { createTeam, deleteTeam, listTeams, updateTeam } from '../../resolvers/keys.js';
import { idInputSchema } from '../inputs.js';
import { gatewayProcedure, router } from '../trpc.js';
import { wire } from '../wire.js';

/** Teams (scope rules in src/resolvers/keys.ts: only the master key changes them). */
export const teamsRouter = router({
  /** Every team; a virtual key gets only its own. */
  list: gatewayProcedure.query(({ ctx }) =>
    listTeams(ctx.tollgate.keys, ctx.principal).map((team) => wire(team)),
  ),
  create: gatewayProcedure
    .input(createTeamInputSchema)
    .mutation(({ ctx, input }) =>
      wire(createTeam(ctx.tollgate.keys, { principal: ctx.principal, team: input })),
    ),
  update: gatewayProcedure
    .input(updateTeamInputSchema.extend({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const { id, ...team } = input;
      return wire(updateTeam(ctx.tollgate.keys, { principal: ctx.principal, id, team }));
    }),
  delete: gatewayProcedure
    .input(idInputSchema)
    .mutation(({ ctx, input }) =>
      wire(deleteTeam(ctx.tollgate.keys, { principal: ctx.principal, id: input.id })),
    ),
});
