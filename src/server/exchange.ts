import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tollgate } from '../tollgate.js';
import type { BodyLimits } from './request-body.js';

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

/** An AbortController aborted when the client goes away before the response is complete. */
export function abortOnClose(res: ServerResponse): AbortController {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller;
}
