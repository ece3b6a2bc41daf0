import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './models.js';
import './deployments.js';
import './keys.js';
import './teams.js';
import './spend.js';
import './chat.js';
import './alerts.js';

/** The GraphQL schema: every area file above registered its types on the one builder. */
export const graphqlSchema = builder.toSchema();

/** The SDL committed as schema.graphql (sorted, so that it only changes when the API does). */
export function printGraphqlSchema(): string {
  return `${printSchema(lexicographicSortSchema(graphqlSchema))}\n`;
}
