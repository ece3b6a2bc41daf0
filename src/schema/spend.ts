import type { SpendLogRow, StoredAttempt } from '../db/schema/spend-logs.js';
import { nanosToUsd } from '../pricing/pricing.js';
import {
  encodeCursor,
  requestLogs,
  SPEND_GROUP_BY,
  spendFilterSchema,
  spendSummary,
  type SpendGroup,
} from '../resolvers/spend.js';
import { builder } from './builder.js';
import { parseInput } from './parse-input.js';

const SpendGroupByEnum = builder.enumType('SpendGroupBy', {
  description: 'How spend is grouped: by key, team, served model group, provider or UTC day.',
  values: SPEND_GROUP_BY,
});

const SpendFilterInput = builder.inputType('SpendFilter', {
  description: 'Validated with spendFilterSchema (src/resolvers/spend.ts).',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
    keyId: t.id({ description: 'Ignored for a virtual key, which only sees itself.' }),
    teamId: t.id(),
    model: t.string({ description: 'The served model group.' }),
  }),
});

const SpendGroupRef = builder.objectRef<SpendGroup>('SpendGroup').implement({
  fields: (t) => ({
    group: t.exposeString('group', {
      nullable: true,
      description: 'The key id, team id, model group, provider or day (YYYY-MM-DD); null for none.',
    }),
    spend: t.exposeFloat('spend', { description: 'USD.' }),
    // Sums over long periods can pass GraphQL's 32-bit Int.
    promptTokens: t.exposeFloat('promptTokens'),
    completionTokens: t.exposeFloat('completionTokens'),
    requests: t.exposeFloat('requests'),
    cacheHits: t.exposeFloat('cacheHits'),
  }),
});

const AttemptRef = builder.objectRef<StoredAttempt>('RequestAttempt').implement({
  description: 'One call to one deployment.',
  fields: (t) => ({
    deploymentId: t.exposeString('deploymentId'),
    provider: t.exposeString('provider'),
    modelGroup: t.exposeString('modelGroup'),
    latencyMs: t.exposeFloat('latencyMs'),
    errorCode: t.exposeString('errorCode', { nullable: true, description: 'Null on success.' }),
  }),
});

const RequestLogRef = builder.objectRef<SpendLogRow>('RequestLog').implement({
  description: 'The spend row of one request (exactly one per request, whatever its outcome).',
  fields: (t) => ({
    requestId: t.exposeID('requestId'),
    keyId: t.exposeID('keyId', { nullable: true }),
    teamId: t.exposeID('teamId', { nullable: true }),
    kind: t.exposeString('kind', { description: 'chat or embeddings.' }),
    requestedModel: t.exposeString('requestedModel'),
    servedModel: t.exposeString('servedModel', { nullable: true }),
    deploymentId: t.exposeString('deploymentId', { nullable: true }),
    provider: t.exposeString('provider', { nullable: true }),
    attempts: t.field({ type: [AttemptRef], resolve: (row) => row.attempts }),
    promptTokens: t.exposeInt('promptTokens'),
    completionTokens: t.exposeInt('completionTokens'),
    cachedTokens: t.exposeInt('cachedTokens'),
    reasoningTokens: t.exposeInt('reasoningTokens'),
    usageEstimated: t.exposeBoolean('usageEstimated'),
    cost: t.float({ description: 'USD.', resolve: (row) => nanosToUsd(row.costNanos) }),
    costSaved: t.float({
      description: 'USD a cache hit saved.',
      resolve: (row) => nanosToUsd(row.costSavedNanos),
    }),
    latencyMs: t.exposeFloat('latencyMs', { nullable: true }),
    timeToFirstTokenMs: t.exposeFloat('timeToFirstTokenMs', { nullable: true }),
    cacheStatus: t.exposeString('cacheStatus', { nullable: true }),
    streamed: t.exposeBoolean('streamed'),
    status: t.exposeString('status', { description: 'success, error or cancelled.' }),
    httpStatus: t.exposeInt('httpStatus', { nullable: true }),
    errorLayer: t.exposeString('errorLayer', { nullable: true }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    startTime: t.field({ type: 'DateTime', resolve: (row) => row.startTime }),
    endTime: t.field({ type: 'DateTime', resolve: (row) => row.endTime }),
    endUser: t.exposeString('endUser', { nullable: true }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (row) => row.metadata }),
  }),
});

const RequestLogEdgeRef = builder.objectRef<SpendLogRow>('RequestLogEdge').implement({
  fields: (t) => ({
    cursor: t.string({ resolve: (row) => encodeCursor(row) }),
    node: t.field({ type: RequestLogRef, resolve: (row) => row }),
  }),
});

const PageInfoRef = builder
  .objectRef<{ endCursor: string | null; hasNextPage: boolean }>('PageInfo')
  .implement({
    fields: (t) => ({
      endCursor: t.exposeString('endCursor', { nullable: true }),
      hasNextPage: t.exposeBoolean('hasNextPage'),
    }),
  });

const RequestLogConnectionRef = builder
  .objectRef<ReturnType<typeof requestLogs>>('RequestLogConnection')
  .implement({
    description: 'Newest first; pass pageInfo.endCursor as `after` for the next page.',
    fields: (t) => ({
      edges: t.field({ type: [RequestLogEdgeRef], resolve: (page) => page.rows }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (page) => page }),
    }),
  });

builder.queryFields((t) => ({
  spend: t.field({
    type: [SpendGroupRef],
    description: 'Spend grouped (a virtual key only sees its own).',
    args: {
      filter: t.arg({ type: SpendFilterInput }),
      groupBy: t.arg({ type: SpendGroupByEnum, required: true }),
    },
    resolve: (_root, args, ctx) =>
      spendSummary(ctx.tollgate.database.db, {
        principal: ctx.principal,
        filter: parseInput(spendFilterSchema, args.filter ?? {}, 'filter'),
        groupBy: args.groupBy,
      }),
  }),
  requestLogs: t.field({
    type: RequestLogConnectionRef,
    description: 'Spend rows, newest first (a virtual key only sees its own).',
    args: {
      filter: t.arg({ type: SpendFilterInput }),
      first: t.arg.int({ defaultValue: 50, description: 'Page size, 1 to 500.' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
    },
    resolve: (_root, args, ctx) =>
      requestLogs(ctx.tollgate.database.db, {
        principal: ctx.principal,
        filter: parseInput(spendFilterSchema, args.filter ?? {}, 'filter'),
        first: args.first ?? 50,
        after: args.after,
      }),
  }),
}));
