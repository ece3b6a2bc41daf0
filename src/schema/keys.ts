import { createKeyInputSchema, updateKeyInputSchema } from '../keys/key-inputs.js';
import {
  createKey,
  getKey,
  listKeys,
  me,
  revokeKey,
  rotateKey,
  updateKey,
} from '../resolvers/keys.js';
import { builder, type GraphqlSchemaTypes } from './builder.js';
import { parseInput } from './parse-input.js';
import { ApiKeyRef, BUDGET_FIELD_DESCRIPTIONS, RateLimitsRef, TeamRef } from './refs.js';

ApiKeyRef.implement({
  description: 'A virtual key. Its secret is shown once, by createKey or rotateKey.',
  fields: (t) => ({
    id: t.exposeID('id'),
    keyPrefix: t.exposeString('keyPrefix', { description: 'A display form such as sk-…a1b2.' }),
    name: t.exposeString('name', { nullable: true }),
    teamId: t.exposeID('teamId', { nullable: true }),
    team: t.field({
      type: TeamRef,
      nullable: true,
      resolve: (key, _args, ctx) =>
        key.teamId === null ? null : ctx.loaders.team.load(key.teamId),
    }),
    models: t.stringList({
      nullable: true,
      description: BUDGET_FIELD_DESCRIPTIONS.models,
      resolve: (key) => key.models,
    }),
    maxBudget: t.exposeFloat('maxBudget', {
      nullable: true,
      description: BUDGET_FIELD_DESCRIPTIONS.maxBudget,
    }),
    budgetDuration: t.exposeString('budgetDuration', {
      nullable: true,
      description: BUDGET_FIELD_DESCRIPTIONS.budgetDuration,
    }),
    softBudget: t.exposeFloat('softBudget', {
      nullable: true,
      description: BUDGET_FIELD_DESCRIPTIONS.softBudget,
    }),
    limits: t.field({ type: RateLimitsRef, resolve: (key) => key }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.expiresAt }),
    revoked: t.exposeBoolean('revoked'),
    blocked: t.exposeBoolean('blocked'),
    metadata: t.field({ type: 'JSON', resolve: (key) => key.metadata }),
    spend: t.exposeFloat('spend', {
      description: 'Lifetime spend in USD (written in batches: lags by up to a batch interval).',
    }),
    periodSpend: t.exposeFloat('periodSpend', {
      description: 'Spend in USD in the current budget period (live).',
    }),
    budgetResetAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the budget next resets.',
      resolve: (key) => key.budgetResetAt,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (key) => key.createdAt }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.lastUsedAt }),
  }),
});

const ApiKeyWithSecretRef = builder
  .objectRef<{ key: string; apiKey: typeof ApiKeyRef.$inferType }>('ApiKeyWithSecret')
  .implement({
    description: 'A key and its secret: the only time the secret is shown.',
    fields: (t) => ({
      key: t.exposeString('key', {
        description: 'The secret. Store it now: it is never shown again.',
      }),
      apiKey: t.field({ type: ApiKeyRef, resolve: (created) => created.apiKey }),
    }),
  });

/** Fields of both key inputs; they mirror createKeyInputSchema. */
function keyInputFields(t: PothosSchemaTypes.InputFieldBuilder<GraphqlSchemaTypes, 'InputObject'>) {
  return {
    name: t.string(),
    teamId: t.id(),
    models: t.stringList({ description: BUDGET_FIELD_DESCRIPTIONS.models }),
    maxBudget: t.float({ description: BUDGET_FIELD_DESCRIPTIONS.maxBudget }),
    budgetDuration: t.string({ description: BUDGET_FIELD_DESCRIPTIONS.budgetDuration }),
    softBudget: t.float({ description: BUDGET_FIELD_DESCRIPTIONS.softBudget }),
    rpmLimit: t.int(),
    tpmLimit: t.int(),
    maxParallelRequests: t.int(),
    expiresAt: t.field({ type: 'DateTime', description: 'After this instant the key is refused.' }),
    metadata: t.field({ type: 'JSON', description: 'A JSON object kept with the key.' }),
  };
}

const CreateKeyInput = builder.inputType('CreateKeyInput', {
  description: 'Validated with createKeyInputSchema (src/keys/key-inputs.ts).',
  fields: (t) => keyInputFields(t),
});

const UpdateKeyInput = builder.inputType('UpdateKeyInput', {
  description: 'Absent fields are left unchanged; null clears a field.',
  fields: (t) => ({
    ...keyInputFields(t),
    blocked: t.boolean({ description: 'A blocked key is refused until unblocked.' }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: ApiKeyRef,
    nullable: true,
    description: 'The calling key (null for the master key).',
    resolve: (_root, _args, ctx) => me(ctx.tollgate.keys, ctx.principal) ?? null,
  }),
  keys: t.field({
    type: [ApiKeyRef],
    description: 'Live keys (a virtual key sees only itself).',
    args: { teamId: t.arg.id() },
    resolve: (_root, args, ctx) =>
      listKeys(ctx.tollgate.keys, { principal: ctx.principal, teamId: args.teamId ?? undefined }),
  }),
  key: t.field({
    type: ApiKeyRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      getKey(ctx.tollgate.keys, { principal: ctx.principal, id: args.id }),
  }),
}));

builder.mutationFields((t) => ({
  createKey: t.field({
    type: ApiKeyWithSecretRef,
    args: { input: t.arg({ type: CreateKeyInput, required: true }) },
    resolve: (_root, args, ctx) =>
      createKey(ctx.tollgate.keys, {
        principal: ctx.principal,
        key: parseInput(createKeyInputSchema, args.input, 'input'),
      }),
  }),
  updateKey: t.field({
    type: ApiKeyRef,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateKeyInput, required: true }),
    },
    resolve: (_root, args, ctx) =>
      updateKey(ctx.tollgate.keys, {
        principal: ctx.principal,
        id: args.id,
        key: parseInput(updateKeyInputSchema, args.input, 'input'),
      }),
  }),
  revokeKey: t.field({
    type: ApiKeyRef,
    description: 'Revokes at once: the key stops authenticating on its next request.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      revokeKey(ctx.tollgate.keys, { principal: ctx.principal, id: args.id }),
  }),
  rotateKey: t.field({
    type: ApiKeyWithSecretRef,
    description: 'A new secret for the same key; the old secret stops working at once.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      rotateKey(ctx.tollgate.keys, { principal: ctx.principal, id: args.id }),
  }),
}));
