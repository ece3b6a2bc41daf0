import type { Principal } from '../core/principal.js';

/**
 * What every tRPC procedure receives, built per HTTP request by `createTrpcContext` (context.ts).
 *
 * This type is part of `AppRouter`, which the `clients/ts` package ships as declarations: it must
 * name no server module (only light, import-free ones such as `Principal`), or every client would
 * need the server's dependencies to type-check. That is why the gateway is typed `unknown` here;
 * `gatewayProcedure` (trpc.ts) narrows it with `instanceof Tollgate` before any resolver runs.
 */
export interface TrpcContext {
  /** The gateway (a `Tollgate`). */
  readonly tollgate: unknown;
  /** The presented key (`Authorization: Bearer` or `x-api-key`), for pipeline calls. */
  readonly credential: string | undefined;
  /** Who the key belongs to, resolved once per HTTP request. */
  readonly principal: Principal;
  /** `performance.now()` when the HTTP request arrived (latency and overhead accounting). */
  readonly receivedAt: number;
  /** The request's `Idempotency-Key` header: a completion stream with a known one never runs. */
  readonly idempotencyKey?: string | undefined;
  /**
   * The gateway requests (`RequestContext`s) this HTTP request's calls ran, for the
   * `x-tollgate-*` response headers when it ran exactly one (http-handler.ts).
   */
  readonly served: unknown[];
}
