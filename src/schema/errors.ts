import type { Plugin } from 'graphql-yoga';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { GatewayError, toGatewayError, type ErrorCode } from '../core/errors.js';

/**
 * The one place GatewayError is shaped for GraphQL (STYLE habit 6). Every error a client sees
 * carries `extensions.code` from the same closed set as the REST shim, with the layer and the
 * HTTP status REST would have used. Anything that is not a GatewayError is a bug inside the
 * gateway: it is masked (Yoga's maskedErrors calls `maskGraphqlError`) and only logged.
 */

export interface GatewayErrorExtensions {
  readonly code: ErrorCode;
  readonly layer: GatewayError['layer'];
  /** The HTTP status the REST shim answers this error with. */
  readonly status: number;
  readonly param?: string;
  readonly provider?: string;
  readonly upstreamStatus?: number;
  readonly retryAfterSeconds?: number;
}

export function gatewayErrorExtensions(error: GatewayError): GatewayErrorExtensions {
  return {
    code: error.code,
    layer: error.layer,
    status: error.status,
    ...(error.param === undefined ? {} : { param: error.param }),
    ...(error.layer === 'provider' && error.provider !== undefined
      ? { provider: error.provider }
      : {}),
    ...(error.layer === 'provider' && error.upstreamStatus !== undefined
      ? { upstreamStatus: error.upstreamStatus }
      : {}),
    ...(error.retryAfterSeconds === undefined
      ? {}
      : { retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterSeconds)) }),
  };
}

/**
 * A GraphQLError for a GatewayError. `httpStatus` makes Yoga answer with the REST status: used
 * for errors before execution (authentication), never for field errors, which keep the
 * GraphQL-over-HTTP 200 beside their partial data.
 */
export function toGraphqlError(
  error: GatewayError,
  options: { at?: GraphQLError | undefined; httpStatus?: boolean } = {},
): GraphQLError {
  const at = options.at;
  return new GraphQLError(error.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    originalError: error,
    extensions: {
      ...gatewayErrorExtensions(error),
      ...(options.httpStatus === true ? { http: { status: error.status } } : {}),
    },
  });
}

/**
 * By name, not `instanceof`: graphql ships CommonJS and ESM builds, and a process can hold both
 * (the test runner loads one, the libraries the other), as envelop and Yoga also allow for.
 */
function isGraphqlError(value: unknown): value is GraphQLError {
  return value instanceof Error && value.name === 'GraphQLError';
}

/** The GatewayError a resolver threw, however deeply GraphQL wrapped it. */
function gatewayErrorIn(error: unknown): GatewayError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth += 1) {
    if (current instanceof GatewayError) return current;
    current = isGraphqlError(current) ? current.originalError : undefined;
  }
  return undefined;
}

/**
 * A refusal the gateway meant to give (auth, validation, budgets, provider failures): Yoga logs
 * every error it reshapes, and these are not bugs worth an error log line.
 */
export function isDeliberateError(error: unknown): boolean {
  const gatewayError = gatewayErrorIn(error);
  return gatewayError !== undefined && gatewayError.code !== 'internal_error';
}

/**
 * An error of GraphQL itself (syntax, validation, variable coercion, limits): a client error.
 * GraphQL wraps such errors in one another, but never around anything but a GraphQLError.
 */
function isRequestError(error: GraphQLError): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth += 1) {
    if (!isGraphqlError(current)) return false;
    if (current.originalError === undefined || current.originalError === null) return true;
    current = current.originalError;
  }
  return false;
}

/** Already shaped here (e.g. the authentication error of the context factory). */
function isShaped(error: unknown): boolean {
  return (
    isGraphqlError(error) &&
    typeof error.extensions.code === 'string' &&
    typeof error.extensions.layer === 'string'
  );
}

function requestErrorCode(status: number | undefined): ErrorCode {
  if (status === 405) return 'method_not_allowed';
  if (status === 415) return 'unsupported_media_type';
  return 'invalid_request';
}

/** Adds the gateway's code to an error of GraphQL itself, keeping Yoga's HTTP hints. */
function withRequestCode(error: GraphQLError): GraphQLError {
  if (isShaped(error)) return error;
  const status = error.extensions.http?.status ?? 400;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: requestErrorCode(status), layer: 'client', status },
  });
}

/**
 * Yoga's `maskedErrors.maskError`: GatewayErrors keep their message and get their code; errors
 * of GraphQL itself get `invalid_request`; everything else becomes the REST shim's masked
 * `internal_error` (Yoga logs the original).
 */
export function maskGraphqlError(error: unknown): GraphQLError {
  if (isShaped(error)) return error as GraphQLError;
  const gatewayError = gatewayErrorIn(error);
  const at = isGraphqlError(error) ? error : undefined;
  if (gatewayError !== undefined) return toGraphqlError(gatewayError, { at });
  if (at !== undefined && isRequestError(at)) return withRequestCode(at);
  const internal = toGatewayError(error);
  return new GraphQLError(internal.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    // `unexpected` tells Yoga to answer 500 when there is no data; it never reaches the client.
    extensions: { ...gatewayErrorExtensions(internal), unexpected: true },
  });
}

/** Shapes errors for a graphql-ws `error` message (which does not pass through Yoga's masking). */
export function formatGraphqlErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => {
    const formatted = maskGraphqlError(error);
    const { http: _http, unexpected: _unexpected, ...extensions } = formatted.extensions;
    return { ...formatted.toJSON(), extensions };
  });
}

/** The body of an HTTP answer that failed before GraphQL ran (auth, body limits). */
export function graphqlErrorBody(error: GatewayError): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message: error.message, extensions: { ...gatewayErrorExtensions(error) } }] };
}

/** Validation errors are returned, not thrown, so masking never sees them: code them here. */
export function useRequestErrorCodes(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (valid) return;
        const errors: readonly unknown[] = result;
        setResult(errors.map((error) => (isGraphqlError(error) ? withRequestCode(error) : error)));
      };
    },
  };
}
