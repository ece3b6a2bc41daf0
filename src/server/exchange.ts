import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tollgate } from '../tollgate.js';
import type { BodyLimits } from './request-body.js';
import { Cancellation } from '../core/cancellation.js';

/** One HTTP request as the route handlers see it. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly tollgate: Tollgate;
  readonly limits: BodyLimits;
  /** `performance.now()` at receipt, for the overhead header. */
  readonly receivedAt: number;
  /** The path without query string. */
  readonly path: string;
}

/** The presented gateway key: `Authorization: Bearer <key>` or `x-api-key: <key>` (SPEC §3). */
export function credentialOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1] !== undefined) return match[1].trim();
  }
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey.trim() : undefined;
}

/**
 * A Cancellation aborted when the client goes away before the response is complete: what the
 * REST routes give the pipeline (cheaper than an AbortController, see cancellation.ts).
 */
export function cancelOnClose(res: ServerResponse): Cancellation {
  const cancellation = new Cancellation();
  res.once('close', () => {
    if (!res.writableFinished) cancellation.abort();
  });
  return cancellation;
}

/** The same as an AbortController, for fetch-API consumers (GraphQL Yoga's Request). */
export function abortOnClose(res: ServerResponse): AbortController {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller;
}
