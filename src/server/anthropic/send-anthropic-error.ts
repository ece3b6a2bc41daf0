import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { toGatewayError } from '../../core/errors.js';
import type { RequestContext } from '../../core/request-context.js';
import { errorHeaders, sendJson } from '../respond.js';
import { toAnthropicErrorEnvelope } from './anthropic-error-envelope.js';
import { anthropicHeaders } from './anthropic-headers.js';

/** Answers with Anthropic's error envelope, unless the response has already started. */
export function sendAnthropicError(
  res: ServerResponse,
  error: unknown,
  ctx?: RequestContext,
): void {
  if (res.headersSent || res.destroyed) return;
  const gatewayError = toGatewayError(error);
  const headers: OutgoingHttpHeaders = {
    ...(ctx === undefined ? {} : anthropicHeaders(ctx)),
    ...errorHeaders(gatewayError),
  };
  // A client too slow to send its body is not waited for: the connection closes with the answer.
  if (gatewayError.code === 'request_timeout') headers.connection = 'close';
  sendJson(res, toAnthropicErrorEnvelope(gatewayError, ctx?.requestId), {
    status: gatewayError.status,
    headers,
  });
}
