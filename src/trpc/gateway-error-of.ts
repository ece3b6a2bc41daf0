import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { GatewayError, isGatewayError } from '../core/errors.js';
import { firstIssueParam, formatZodIssues } from '../core/json.js';

/**
 * The GatewayError a tRPC error stands for. Procedures throw GatewayErrors (tRPC wraps them, the
 * original is the `cause`); tRPC's own errors (input validation, unknown procedure, wrong method,
 * body too large) get the gateway code with the same meaning; anything else is a bug in Tollgate
 * and is masked: the client sees a generic message, never internals.
 */
export function gatewayErrorOf(error: TRPCError): GatewayError {
  const cause = error.cause;
  if (isGatewayError(cause)) return cause;
  // tRPC reports a failed `.input()` parse as BAD_REQUEST with the zod error as its cause.
  if (error.code === 'BAD_REQUEST' && cause instanceof z.core.$ZodError) {
    return new GatewayError('invalid_request', `Invalid input: ${formatZodIssues(cause.issues)}`, {
      param: firstIssueParam(cause.issues),
    });
  }
  switch (error.code) {
    case 'PARSE_ERROR':
      return new GatewayError('invalid_json', error.message);
    case 'BAD_REQUEST':
      return new GatewayError('invalid_request', error.message);
    case 'NOT_FOUND':
      return new GatewayError('route_not_found', error.message);
    case 'METHOD_NOT_SUPPORTED':
      return new GatewayError('method_not_allowed', error.message);
    case 'PAYLOAD_TOO_LARGE':
      return new GatewayError('payload_too_large', 'The request body is too large');
    case 'UNSUPPORTED_MEDIA_TYPE':
      return new GatewayError('unsupported_media_type', error.message);
    case 'CLIENT_CLOSED_REQUEST':
      return new GatewayError('client_closed_request', 'The client closed the request');
    case 'TIMEOUT':
      return new GatewayError('request_timeout', error.message);
    default:
      return new GatewayError('internal_error', 'Internal gateway error', { cause: error });
  }
}
