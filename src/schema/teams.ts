import { createTeamInputSchema, updateTeamInputSchema } from '../keys/key-inputs.js';
import { createTeam, deleteTeam, listTeams, updateTeam } from '../resolvers/keys.js';
import { builder, type GraphqlSchemaTypes } from './builder.js';
import { parseInput } from './parse-input.js';
import { ApiKeyRef, BUDGET_FIELD_DESCRIPTIONS, RateLimitsRef, TeamRef } from './refs.js';

TeamRef.implement({
  description: 'A team: keys share its budget, limits and model list.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    models: t.stringList({
      nullable: true,
      description: BUDGET_FIELD_DESCRIPTIONS.models,
      resolve: (team) => team.models,
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
    limits: t.field({ type: RateLimitsRef, resolve: (team) => team }),
    blocked: t.exposeBoolean('blocked'),
    metadata: t.field({ type: 'JSON', resolve: (team) => team.metadata }),
    spend: t.exposeFloat('spend', { description: 'Lifetime spend in USD.' }),
    periodSpend: t.exposeFloat('periodSpend', {
      description: 'Spend in USD in the current budget period (live).',
    }),
    budgetResetAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (team) => team.budgetResetAt,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (team) => team.createdAt }),
    keys: t.field({
      type: [ApiKeyRef],
      description: 'Its live keys (a virtual key sees only itself).',
      resolve: (team, _args, ctx) => ctx.loaders.keysByTeam.load(team.id),
    }),
  }),
});

/** Fields of both team inputs; they mirror createTeamInputSchema. */
function teamInputFields(
  t: PothosSchemaTypes.InputFieldBuilder<GraphqlSchemaTypes, 'InputObject'>,
) {
  return {
    models: t.stringList({ description: BUDGET_FIELD_DESCRIPTIONS.models }),
    maxBudget: t.float({ description: BUDGET_FIELD_DESCRIPTIONS.maxBudget }),
    budgetDuration: t.string({ description: BUDGET_FIELD_DESCRIPTIONS.budgetDuration }),
    softBudget: t.float({ description: BUDGET_FIELD_DESCRIPTIONS.softBudget }),
    rpmLimit: t.int(),
    tpmLimit: t.int(),
    maxParallelRequests: t.int(),
    metadata: t.field({ type: 'JSON', description: 'A JSON object kept with the team.' }),
  };
}

const CreateTeamInput = builder.inputType('CreateTeamInput', {
  description: 'Validated with createTeamInputSchema (src/keys/key-inputs.ts).',
  fields: (t) => ({ name: t.string({ required: true }), ...teamInputFields(t) }),
});

const UpdateTeamInput = builder.inputType('UpdateTeamInput', {
  description: 'Absent fields are left unchanged; null clears a field.',
  fields: (t) => ({
    name: t.string(),
    ...teamInputFields(t),
    blocked: t.boolean({ description: "A blocked team's keys are refused until unblocked." }),
  }),
});

builder.queryFields((t) => ({
  teams: t.field({
    type: [TeamRef],
    description: 'Every team (a virtual key sees only its own).',
    resolve: (_root, _args, ctx) => listTeams(ctx.tollgate.keys, ctx.principal),
  }),
}));

builder.mutationFields((t) => ({
  createTeam: t.field({
    type: TeamRef,
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    resolve: (_root, args, ctx) =>
      createTeam(ctx.tollgate.keys, {
        principal: ctx.principal,
        team: parseInput(createTeamInputSchema, args.input, 'input'),
      }),
  }),
  updateTeam: t.field({
    type: TeamRef,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateTeamInput, required: true }),
    },
    resolve: (_root, args, ctx) =>
      updateTeam(ctx.tollgate.keys, {
        principal: ctx.principal,
        id: args.id,
        team: parseInput(updateTeamInputSchema, args.input, 'input'),
      }),
  }),
  deleteTeam: t.field({
    type: TeamRef,
    description: 'Deletes a team; its keys stay, without a team.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      deleteTeam(ctx.tollgate.keys, { principal: ctx.principal, id: args.id }),
  }),
}));
