import SchemaBuilder from '@pothos/core';
import type { Principal } from '../core/principal.js';
import type { Tollgate } from '../tollgate.js';
import type { ActiveSubscriptions } from './active-subscriptions.js';
import type { Loaders } from './loaders.js';

/** What every resolver receives: built once per HTTP request or per subscription. */
export interface GraphqlContext {
  readonly tollgate: Tollgate;
  /** Who is calling (the master key or a virtual key); scopes are applied in src/resolvers. */
  readonly principal: Principal;
  /**
   * The presented key. A chat subscription authenticates it again in its own request context,
   * so that the pipeline's accounting (budgets, rate limits, the spend row) sees the key.
   */
  readonly credential: string | undefined;
  /** Per-request DataLoaders: a constant number of SQL statements whatever the list length. */
  readonly loaders: Loaders;
  /** Streams and feeds in flight, so that shutdown can drain or end them. */
  readonly subscriptions: ActiveSubscriptions;
}

export type GraphqlScalars = {
  /** ISO 8601 on output; ISO 8601 (with offset) or Unix milliseconds on input. */
  DateTime: { Input: string | number; Output: number };
  /** Any JSON value: the open-ended parts of the API (metadata, tools, provider options). */
  JSON: { Input: unknown; Output: unknown };
};

/** The builder's type parameters. */
export interface BuilderTypes {
  Context: GraphqlContext;
  Scalars: GraphqlScalars;
  DefaultFieldNullability: false;
}

/** The one Pothos builder; each area file (models.ts, keys.ts...) registers its own types. */
export const builder = new SchemaBuilder<BuilderTypes>({ defaultFieldNullability: false });

builder.queryType({ description: 'Read the gateway: models, keys, teams and spend.' });
builder.mutationType({ description: 'Manage virtual keys and teams (the master key only).' });
builder.subscriptionType({ description: 'Streams over graphql-ws (or SSE) on /graphql.' });

/** The builder's resolved type parameters, for helpers that take a field builder. */
export type GraphqlSchemaTypes = PothosSchemaTypes.ExtendDefaultTypes<BuilderTypes>;
