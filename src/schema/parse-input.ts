import type { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import { firstIssueParam, formatZodIssues } from '../core/json.js';

/**
 * Validates a GraphQL input with the zod schema every transport shares. GraphQL has checked
 * the types already; zod checks the rules (ranges, durations, instants) that GraphQL cannot
 * express, and a failure is the REST shim's 400 `invalid_request`, naming the field.
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  param: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const field = firstIssueParam(parsed.error.issues);
  throw new GatewayError(
    'invalid_request',
    `Invalid ${param}: ${formatZodIssues(parsed.error.issues)}`,
    { param: field === undefined ? param : `${param}.${field}` },
  );
}
