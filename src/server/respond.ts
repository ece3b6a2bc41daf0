import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { toGatewayError, type GatewayError } from '../core/errors.js';
import type { RequestContext } from '../core/request-context.js';
import { gatewayHeaders } from './gateway-headers.js';
import { toOpenAIErrorEnvelope } from './openai-error-envelope.js';

/** Writes a JSON response with the gateway headers. */
export function sendJson(
  res: ServerResponse,
  body: unknown,
  extra: { status?: number; headers?: OutgoingHttpHeaders } = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(extra.status ?? 200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...extra.headers,
  });
  res.end(payload);
}

/** Headers that tell clients how to treat an error (Retry-After, the openai SDK's x-should-retry). */
export function errorHeaders(error: GatewayError): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'x-should-retry': error.isRetryable ? 'true' : 'false' };
  if (error.status === 429 || error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds ?? 1)));
  }
  return headers;
}

/** Answers with the OpenAI error envelope, unless the response has already started. */
export function sendError(res: ServerResponse, error: unknown, ctx?: RequestContext): void {
  if (res.headersSent || res.destroyed) return;
  const gatewayError = toGatewayError(error);
  const headers: OutgoingHttpHeaders = {
    ...(ctx === undefined ? {} : gatewayHeaders(ctx)),
    ...errorHeaders(gatewayError),
  };
  // A client too slow to send its body is not waited for: the connection closes with the answer.
  if (gatewayError.code === 'request_timeout') headers.connection = 'close';
  sendJson(res, toOpenAIErrorEnvelope(gatewayError), { status: gatewayError.status, headers });
}
