import { router } from '../trpc.js';
import { completionsRouter } from './completions.js';
import { embeddingsRouter } from './embeddings.js';
import { keysRouter } from './keys.js';
import { modelsRouter } from './models.js';
import { spendRouter } from './spend.js';
import { teamsRouter } from './teams.js';

/** The tRPC API at `/trpc` (SPEC §5). */
export const appRouter = router({
  completions: completionsRouter,
  embeddings: embeddingsRouter,
  models: modelsRouter,
  keys: keysRouter,
  teams: teamsRouter,
  spend: spendRouter,
});

/** The router's type: all that `clients/ts` imports from the server. */
export type AppRouter = typeof appRouter;
