import type { WarningSink } from './adapter.js';
import type { ResolvedDeployment } from './deployment.js';
import type { ModelGroup } from './model-catalog.js';
import type { Usage } from './usage.js';
import type { ErrorCode, GatewayError } from './errors.js';
import type { Principal } from './principal.js';
import { newRequestId } from './request-id.js';
import type { CancelSignal } from './cancellation.js';

/** One call to one deployment, kept for the spend row and `x-tollgate-attempts`. */
export interface Attempt {
  readonly deploymentId: string;
  readonly provider: string;
  readonly modelGroup: string;
  readonly latencyMs: number;
  /** Undefined when the attempt succeeded. */
  readonly errorCode: ErrorCode | undefined;
}

export type RequestKind = 'chat' | 'embeddings';
export type RequestStatus = 'pending' | 'success' | 'error' | 'cancelled';
export type CacheStatus = 'hit' | 'miss' | 'semantic-hit';

export interface RequestContextInit {
  readonly kind: RequestKind;
  /** The presented gateway key; undefined for trusted in-process calls. */
  readonly credential: string | undefined;
  /** Aborted when the caller goes away. */
  readonly signal: CancelSignal;
  /** Preset principal (library mode); skips authentication. */
  readonly principal?: Principal | undefined;
  /** `performance.now()` when the transport received the request. */
  readonly receivedAt?: number | undefined;
}

/**
 * Everything the pipeline learns about one request, from authentication to the log row. Created by
 * the transport, filled by the stages, read by the transport for response headers.
 */
export class RequestContext implements WarningSink {
  /** Time-ordered (UUIDv7): see request-id.ts. */
  readonly requestId: string = newRequestId();
  readonly kind: RequestKind;
  readonly credential: string | undefined;
  readonly signal: CancelSignal;
  readonly receivedAt: number;
  /** Wall-clock start, for the log row. */
  readonly startedAtEpochMs: number = Date.now();
  principal: Principal | undefined;
  /** The model group the client asked for. */
  requestedModel = '';
  /** The group that finally served it (differs after a fallback). */
  servedModelGroup: string | undefined;
  /** The deployment that produced the answer. */
  deploymentId: string | undefined;
  provider: string | undefined;
  /** The deployment of the last attempt (what accounting prices the usage with). */
  deployment: ResolvedDeployment | undefined;
  /** The group the request was admitted to. */
  group: ModelGroup | undefined;
  /**
   * The cheap upper bound used for budget reservations and token rate limits: UTF-8 bytes of the
   * prompt (an upper bound of its tokens for byte-level tokenizers) and the output cap.
   */
  bound: { promptBytes: number; maxOutputTokens: number | undefined } | undefined;
  /** The request's `user` field, for the log row. */
  endUser: string | undefined;
  /** The request's `metadata` gateway field, for the log row. */
  metadata: Record<string, unknown> | undefined;
  /** True when `usage` was estimated rather than reported by the provider. */
  usageEstimated = false;
  /** What a cache hit saved, in USD. */
  costSavedUsd: number | undefined;
  /** For `x-ratelimit-remaining-*`: the tightest remaining counts of the limits that applied. */
  rateLimitRemaining: { requests: number | undefined; tokens: number | undefined } | undefined;
  readonly attempts: Attempt[] = [];
  readonly warnings: string[] = [];
  /** Whether the client asked for a stream. */
  streaming = false;
  usage: Usage | undefined;
  /** The request's cost in USD, set by the settle stage. */
  costUsd: number | undefined;
  cacheStatus: CacheStatus | undefined;
  status: RequestStatus = 'pending';
  error: GatewayError | undefined;
  /** Milliseconds spent waiting on upstreams, subtracted to compute the gateway's overhead. */
  upstreamMs = 0;
  /** Milliseconds from receipt to the first streamed chunk. */
  timeToFirstTokenMs: number | undefined;
  /** Milliseconds from receipt to completion. */
  latencyMs: number | undefined;
  /** Per-stage private state (a budget reservation, a rate-limit slot...), keyed by the stage's symbol. */
  readonly state = new Map<symbol, unknown>();

  constructor(init: RequestContextInit) {
    this.kind = init.kind;
    this.credential = init.credential;
    this.signal = init.signal;
    this.principal = init.principal;
    this.receivedAt = init.receivedAt ?? performance.now();
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** Gateway time so far: wall time since receipt minus time spent waiting on upstreams. */
  overheadMs(now = performance.now()): number {
    return Math.max(0, now - this.receivedAt - this.upstreamMs);
  }
}
