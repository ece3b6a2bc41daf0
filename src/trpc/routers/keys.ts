import { z } from 'zod';
import { createKeyInputSchema, updateKeyInputSchema } from '../../keys/key-inputs.js';
import {
  createKey,
  getKey,
  listKeys,
  revokeKey,
  rotateKey,
  updateKey,
} from '../../resolvers/keys.js';
import { idInputSchema } from '../inputs.js';
import { gatewayProcedure, router } from '../trpc.js';
import { wire } from '../wire.js';

/**
 * Virtual keys. Scope rules live in src/resolvers/keys.ts: the master key manages every key; a
 * virtual key sees (and may rotate) only itself.
 */
export const keysRouter = router({
  /** Keys, optionally of one team; a virtual key gets only itself. */
  list: gatewayProcedure
    .input(z.object({ teamId: z.string().nullish() }).optional())
    .query(({ ctx, input }) =>
      listKeys(ctx.tollgate.keys, {
        principal: ctx.principal,
        teamId: input?.teamId ?? undefined,
      }).map((key) => wire(key)),
    ),
  get: gatewayProcedure
    .input(idInputSchema)
    .query(({ ctx, input }) =>
      wire(getKey(ctx.tollgate.keys, { principal: ctx.principal, id: input.id })),
    ),
  /** Creates a key; `key` is the secret, returned this once only. */
  create: gatewayProcedure.input(createKeyInputSchema).mutation(({ ctx, input }) => {
    const created = createKey(ctx.tollgate.keys, { principal: ctx.principal, key: input });
    return { key: created.key, apiKey: wire(created.apiKey) };
  }),
  update: gatewayProcedure
    .input(updateKeyInputSchema.extend({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const { id, ...key } = input;
      return wire(updateKey(ctx.tollgate.keys, { principal: ctx.principal, id, key }));
    }),
  revoke: gatewayProcedure
    .input(idInputSchema)
    .mutation(({ ctx, input }) =>
      wire(revokeKey(ctx.tollgate.keys, { principal: ctx.principal, id: input.id })),
    ),
  /** A new secret for the key (the old one stops working); returned this once only. */
  rotate: gatewayProcedure.input(idInputSchema).mutation(({ ctx, input }) => {
    const rotated = rotateKey(ctx.tollgate.keys, { principal: ctx.principal, id: input.id });
    return { key: rotated.key, apiKey: wire(rotated.apiKey) };
  }),
});
