import { GraphQLError, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { builder } from './builder.js';

/**
 * The two custom scalars. DateTime checks the shape only: the zod input schemas in
 * src/keys and src/resolvers decide what a valid instant is, as they do for tRPC.
 */

function toInstant(value: unknown): string | number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  throw new GraphQLError('DateTime expects an ISO 8601 string or Unix milliseconds');
}

function literalInstant(node: ValueNode): string | number {
  if (node.kind === Kind.STRING) return toInstant(node.value);
  if (node.kind === Kind.INT) return toInstant(Number(node.value));
  throw new GraphQLError('DateTime expects an ISO 8601 string or Unix milliseconds', {
    nodes: node,
  });
}

builder.scalarType('DateTime', {
  description:
    'An instant: ISO 8601 on output; ISO 8601 with offset or Unix milliseconds on input.',
  serialize: (value) => new Date(value).toISOString(),
  parseValue: toInstant,
  parseLiteral: literalInstant,
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => valueFromASTUntyped(node, variables),
});
