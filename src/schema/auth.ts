import type { Principal } from '../core/principal.js';
import type { Tollgate } from '../tollgate.js';

/** The caller of a GraphQL request or WebSocket connection. */
export interface GraphqlAuth {
  readonly credential: string | undefined;
  readonly principal: Principal;
}

const BEARER = /^Bearer\s+(.+)$/i;

/**
 * The presented key from `Authorization: Bearer <key>` or an `x-api-key` value: HTTP headers
 * and graphql-ws `connectionParams` (`{ authorization }` or `{ apiKey }`) carry the same two.
 */
export function credentialFrom(input: {
  authorization?: unknown;
  apiKey?: unknown;
}): string | undefined {
  if (typeof input.authorization === 'string') {
    const match = BEARER.exec(input.authorization.trim());
    if (match?.[1] !== undefined) return match[1].trim();
  }
  return typeof input.apiKey === 'string' && input.apiKey.trim() !== ''
    ? input.apiKey.trim()
    : undefined;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Resolves the caller through the pipeline's authenticate stage (master key, virtual keys), so
 * GraphQL accepts exactly the keys REST accepts. Throws the REST shim's 401/403 GatewayErrors.
 */
export async function authenticateGraphql(
  tollgate: Tollgate,
  credential: string | undefined,
): Promise<GraphqlAuth> {
  const ctx = tollgate.createContext({ kind: 'chat', credential, signal: NEVER_ABORTED });
  const principal = await tollgate.pipeline.authenticate(ctx);
  return { credential, principal };
}
