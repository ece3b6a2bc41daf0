import type { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { firstIssueParam, formatZodIssues } from '../../core/json.js';
import {
  anthropicCountTokensRequestSchema,
  anthropicRequestSchema,
  type AnthropicCountTokensRequest,
  type AnthropicRequest,
} from './anthropic-request.js';

/** A validated request and the body it came from (the raw body feeds the anthropic passthrough). */
export interface ParsedAnthropicRequest<T> {
  readonly request: T;
  readonly raw: Readonly<Record<string, unknown>>;
}

type Issue = z.core.$ZodIssue;

function depth(issues: readonly Issue[]): number {
  return Math.max(-1, ...issues.map((issue) => issue.path.length));
}

/**
 * Replaces a failed union (`content` is a string or blocks) by the issues of the branch that got
 * furthest, so that the message names `messages[0].content[1].text` rather than
 * `messages[0].content`.
 */
function preciseIssues(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    if (depth(best) <= 0) return [issue];
    return preciseIssues(best).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
}

function parseWith<S extends z.ZodType>(
  schema: S,
  body: unknown,
): ParsedAnthropicRequest<z.output<S>> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = preciseIssues(parsed.error.issues);
    throw new GatewayError('invalid_request', `Invalid request: ${formatZodIssues(issues)}`, {
      param: firstIssueParam(issues),
    });
  }
  // The schema accepted an object, so the body is one.
  return { request: parsed.data, raw: body as Readonly<Record<string, unknown>> };
}

/** Validates a `POST /v1/messages` body; a failure is a 400 naming the field. */
export function parseAnthropicRequest(body: unknown): ParsedAnthropicRequest<AnthropicRequest> {
  return parseWith(anthropicRequestSchema, body);
}

/** Validates a `POST /v1/messages/count_tokens` body. */
export function parseAnthropicCountTokensRequest(
  body: unknown,
): ParsedAnthropicRequest<AnthropicCountTokensRequest> {
  return parseWith(anthropicCountTokensRequestSchema, body);
}
