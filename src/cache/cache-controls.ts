import type { CacheControls } from '../core/chat-request.js';
import type { RequestContext } from '../core/request-context.js';
import type { CacheSettings } from './cache-settings.js';

/** What the cache does for one request. */
export interface CacheDecision {
  /** Serve a stored answer if there is one. */
  readonly lookup: boolean;
  /** Store the answer. */
  readonly store: boolean;
  /** How long to keep the answer, in milliseconds. */
  readonly ttlMs: number;
  /** Only accept entries younger than this (`s-maxage`), in milliseconds. */
  readonly maxAgeMs: number | undefined;
  readonly namespace: string | undefined;
}

/** Controls parsed from a `Cache-Control` request header. */
export interface HeaderControls {
  readonly noCache: boolean;
  readonly noStore: boolean;
  readonly maxAgeSeconds: number | undefined;
}

const HEADER_STATE = Symbol('cache-control-header');

/**
 * Records the request's `Cache-Control` header for the cache stage, which only sees the context
 * and the body (the transport calls this; see the report on issue 7).
 */
export function attachCacheControlHeader(ctx: RequestContext, value: string | undefined): void {
  if (value === undefined || value === '') return;
  ctx.state.set(HEADER_STATE, parseCacheControlHeader(value));
}

/** `no-cache`, `no-store`, `max-age=N` / `s-maxage=N` of RFC 9111 request directives. */
export function parseCacheControlHeader(value: string): HeaderControls {
  let noCache = false;
  let noStore = false;
  let maxAgeSeconds: number | undefined;
  for (const directive of value.split(',')) {
    const [rawName, rawArgument] = directive.trim().split('=', 2);
    const name = (rawName ?? '').toLowerCase();
    if (name === 'no-cache') noCache = true;
    else if (name === 'no-store') noStore = true;
    else if ((name === 'max-age' || name === 's-maxage') && rawArgument !== undefined) {
      const seconds = Number(rawArgument.replace(/"/g, ''));
      if (Number.isFinite(seconds) && seconds >= 0) maxAgeSeconds = seconds;
    }
  }
  return { noCache, noStore, maxAgeSeconds };
}

function headerControlsOf(ctx: RequestContext): HeaderControls | undefined {
  return ctx.state.get(HEADER_STATE) as HeaderControls | undefined;
}

/**
 * Combines config, the body's `cache` controls and the `Cache-Control` header. A key that may
 * not use controls gets the configured behaviour, as if it had sent none.
 */
export function decideCaching(
  settings: CacheSettings,
  request: { controls: CacheControls | null | undefined; ctx: RequestContext },
  controlsAllowed: boolean,
): CacheDecision {
  const body = controlsAllowed ? (request.controls ?? undefined) : undefined;
  const header = controlsAllowed ? headerControlsOf(request.ctx) : undefined;
  const optedIn =
    body !== undefined &&
    (body['use-cache'] === true ||
      isNumber(body.ttl) ||
      isNumber(body['s-maxage']) ||
      typeof body.namespace === 'string');
  const enabled = settings.mode === 'default_on' || optedIn;
  const maxAgeSeconds = body?.['s-maxage'] ?? header?.maxAgeSeconds;
  return {
    lookup: enabled && body?.['no-cache'] !== true && header?.noCache !== true,
    store: enabled && body?.['no-store'] !== true && header?.noStore !== true,
    ttlMs: isNumber(body?.ttl) ? body.ttl * 1000 : settings.ttlMs,
    maxAgeMs: isNumber(maxAgeSeconds) ? maxAgeSeconds * 1000 : undefined,
    namespace: body?.namespace ?? undefined,
  };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
