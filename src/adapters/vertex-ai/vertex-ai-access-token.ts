import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { GatewayError, codeForUpstreamStatus } from '../../core/errors.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import { requestJson, type UpstreamPools, type UpstreamTarget } from '../../core/upstream-http.js';
import {
  accessTokenResponseSchema,
  oauthErrorSchema,
  type ServiceAccount,
} from './vertex-ai-api.js';
import type { CancelSignal } from '../../core/cancellation.js';
import { NEVER_CANCELLED } from '../../core/cancellation.js';

/**
 * OAuth access tokens for Vertex AI from a service account, the JWT bearer flow of
 * https://developers.google.com/identity/protocols/oauth2/service-account#httprest:
 * an RS256 JWT (iss = the account, aud = its `token_uri`, scope cloud-platform, one hour) is
 * signed with the account's key and exchanged at `token_uri` for an access token.
 *
 * A token is reused until five minutes before it expires (google-auth-library refreshes that
 * early too), and concurrent requests share one exchange: a burst after expiry makes one call
 * to the token endpoint, not one per request. A token the upstream rejects is forgotten.
 */

export const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

const REFRESH_MARGIN_MS = 5 * 60_000;
const ASSERTION_LIFETIME_SECONDS = 3600;

export interface AccessTokenInit {
  /** The service account, loaded on first use (it may be a file). */
  readonly credentials: () => Promise<ServiceAccount>;
  readonly pools: UpstreamPools;
  /** Bound on one exchange. */
  readonly timeoutMs: number;
  /** Clock in milliseconds; tests move it. */
  readonly now?: () => number;
}

interface CachedToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

const TARGET: UpstreamTarget = { provider: 'vertex_ai', secrets: [] };

function tokenError(detail: string, options: { status?: number; body?: string }): GatewayError {
  const status = options.status;
  const code =
    status === undefined || status < 500 ? 'upstream_auth_failed' : codeForUpstreamStatus(status);
  return new GatewayError(code, `vertex_ai could not get an access token: ${detail}`, {
    provider: 'vertex_ai',
    upstreamStatus: status,
    ...(options.body === undefined ? {} : { upstreamBody: redactUpstreamBody(options.body) }),
  });
}

/** Rejects when `signal` aborts, without cancelling the shared exchange for other callers. */
function abortable<T>(pending: Promise<T>, signal: CancelSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(closed(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(closed(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function closed(signal: CancelSignal): GatewayError {
  return new GatewayError('client_closed_request', 'The client closed the request', {
    provider: 'vertex_ai',
    retryable: false,
    cause: signal.reason,
  });
}

export class VertexAccessTokens {
  private readonly init: AccessTokenInit;
  private readonly now: () => number;
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  private key: { readonly pem: string; readonly key: Promise<CryptoKey> } | undefined;

  constructor(init: AccessTokenInit) {
    this.init = init;
    this.now = init.now ?? Date.now;
  }

  /** A valid access token: the cached one, the exchange in flight, or a new exchange. */
  async token(signal: CancelSignal): Promise<string> {
    const cached = this.cached;
    if (cached !== undefined && cached.expiresAt - REFRESH_MARGIN_MS > this.now()) {
      return cached.token;
    }
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    const fresh = await abortable(this.pending, signal);
    return fresh.token;
  }

  /** The upstream rejected `token`: do not hand it out again. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async exchange(): Promise<CachedToken> {
    const account = await this.init.credentials();
    const tokenUri = account.token_uri ?? DEFAULT_TOKEN_URI;
    const assertion = await this.sign(account, tokenUri);
    const url = new URL(tokenUri);
    const form = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
    });
    const target = { ...TARGET, secrets: [assertion] };
    const response = await requestJson(
      this.init.pools.pool(url.origin),
      {
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        // Shared by every waiting request: only our own deadline may end it.
        signal: NEVER_CANCELLED,
        timeoutMs: this.init.timeoutMs,
        idleTimeoutMs: this.init.timeoutMs,
      },
      target,
    );
    const issuedAt = this.now();
    const parsed = parseJson(response.text);
    if (response.status < 200 || response.status >= 300) {
      const body = parsed.ok ? oauthErrorSchema.safeParse(parsed.value) : undefined;
      const detail = body?.success
        ? `${body.data.error}${body.data.error_description ? `: ${body.data.error_description}` : ''}`
        : `HTTP ${response.status}`;
      throw tokenError(detail, { status: response.status, body: response.text });
    }
    const token = parsed.ok ? accessTokenResponseSchema.safeParse(parsed.value) : undefined;
    if (token === undefined || !token.success) {
      const reason = token === undefined ? 'invalid JSON' : formatZodIssues(token.error.issues);
      throw new GatewayError(
        'upstream_invalid_response',
        `vertex_ai's token endpoint returned an invalid answer: ${reason}`,
        { provider: 'vertex_ai', upstreamBody: redactUpstreamBody(response.text) },
      );
    }
    const cached = {
      token: token.data.access_token,
      expiresAt: issuedAt + token.data.expires_in * 1000,
    };
    this.cached = cached;
    return cached;
  }

  private async sign(account: ServiceAccount, tokenUri: string): Promise<string> {
    if (this.key?.pem !== account.private_key) {
      this.key = { pem: account.private_key, key: importPKCS8(account.private_key, 'RS256') };
    }
    let key: CryptoKey;
    try {
      key = await this.key.key;
    } catch (error) {
      this.key = undefined;
      throw new GatewayError(
        'upstream_auth_failed',
        'vertex_ai: the private_key of vertex_credentials is not a PKCS#8 PEM RSA key',
        { provider: 'vertex_ai', retryable: false, cause: error },
      );
    }
    const issuedAt = Math.floor(this.now() / 1000);
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      ...(account.private_key_id ? { kid: account.private_key_id } : {}),
    };
    return new SignJWT({ scope: CLOUD_PLATFORM_SCOPE })
      .setProtectedHeader(header)
      .setIssuer(account.client_email)
      .setAudience(tokenUri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
      .sign(key);
  }
}
