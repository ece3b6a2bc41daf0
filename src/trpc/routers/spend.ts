import { requestLogs, spendSummary } from '../../resolvers/spend.js';
import { spendLogsInputSchema, spendSummaryInputSchema } from '../inputs.js';
import { gatewayProcedure, router } from '../trpc.js';
import { wire } from '../wire.js';

/** Spend (scope rules in src/resolvers/spend.ts: a virtual key sees only its own requests). */
export const spendRouter = router({
  /** Spend grouped by key, team, model, provider or UTC day; money in USD. */
  summary: gatewayProcedure.input(spendSummaryInputSchema).query(({ ctx, input }) =>
    spendSummary(ctx.tollgate.database.db, {
      principal: ctx.principal,
      filter: input.filter ?? {},
      groupBy: input.groupBy,
    }).map((group) => wire(group)),
  ),
  /** Request logs, newest first, with keyset cursors (`after: endCursor`); money in nano-USD. */
  logs: gatewayProcedure.input(spendLogsInputSchema).query(({ ctx, input }) => {
    const page = requestLogs(ctx.tollgate.database.db, {
      principal: ctx.principal,
      filter: input.filter ?? {},
      first: input.first,
      after: input.after,
    });
    return {
      rows: page.rows.map((row) => ({
        ...wire(row),
        attempts: row.attempts.map((attempt) => wire(attempt)),
      })),
      endCursor: page.endCursor,
      hasNextPage: page.hasNextPage,
    };
  }),
});
