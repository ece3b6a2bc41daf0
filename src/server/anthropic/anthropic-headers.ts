import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../../core/request-context.js';
import { gatewayHeaders } from '../gateway-headers.js';

/**
 * The OpenAI route's `x-tollgate-*` headers plus `request-id`, where Anthropic puts its request
 * id and the SDK reads it (`message._request_id`, `error.requestID`).
 */
export function anthropicHeaders(ctx: RequestContext): OutgoingHttpHeaders {
  return { ...gatewayHeaders(ctx), 'request-id': ctx.requestId };
}

/**
 * The client's `anthropic-beta` flags (comma-separated, possibly repeated), passed on to
 * anthropic deployments (https://docs.anthropic.com/en/api/beta-headers).
 */
export function anthropicBetas(headers: IncomingHttpHeaders): string[] {
  const value = headers['anthropic-beta'];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
