import type { z } from 'zod';

/** The outcome of parsing untrusted JSON text. */
export type JsonParseResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parses JSON without throwing. Every boundary goes through this (then through a zod schema):
 * never a bare JSON.parse on untrusted text.
 */
export function parseJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Formats zod issues as `path: message; path: message`, with paths like `messages[0].role`. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = formatPath(issue.path);
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** `['model_list', 2, 'litellm_params']` → `model_list[2].litellm_params`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** The first path segment of the first issue, for the error envelope's `param`. */
export function firstIssueParam(issues: readonly z.core.$ZodIssue[]): string | undefined {
  const path = issues[0]?.path;
  if (path === undefined || path.length === 0) return undefined;
  return formatPath(path);
}
