import type { Exchange } from '../exchange.js';
import { sendJson } from '../respond.js';

/** `GET /health`: liveness; no auth, no dependencies. */
export function handleHealth(exchange: Exchange): void {
  sendJson(exchange.res, { status: 'ok' });
}

/** `GET /health/readiness`: 200 when the database answers, 503 otherwise. */
export function handleReadiness(exchange: Exchange): void {
  const readiness = exchange.tollgate.readiness();
  sendJson(
    exchange.res,
    { status: readiness.ready ? 'ready' : 'not_ready', ...readiness },
    {
      status: readiness.ready ? 200 : 503,
    },
  );
}
