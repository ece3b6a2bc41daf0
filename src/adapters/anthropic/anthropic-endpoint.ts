import type { ResolvedDeployment } from '../../core/deployment.js';
import { joinUpstreamPath, splitBaseUrl } from '../../core/upstream-http.js';

/**
 * Where and how the adapter calls Anthropic: `{origin}/v1/messages` (a base that already ends in
 * `/v1/messages` is used as is, SPEC §2), `x-api-key`, `anthropic-version: 2023-06-01`
 * (https://docs.anthropic.com/en/api/versioning), and `anthropic-beta` when a request needs a
 * beta (https://docs.anthropic.com/en/api/beta-headers). Built once per deployment.
 */

export const DEFAULT_ANTHROPIC_API_BASE = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
const MESSAGES_PATH = '/v1/messages';

export interface AnthropicEndpoint {
  /** Origin the keep-alive pool connects to. */
  readonly origin: string;
  /** Path and query of the Messages API. */
  readonly path: string;
  /** Headers of every call; the deployment's extra headers come last. */
  readonly headers: Readonly<Record<string, string>>;
}

export function createAnthropicEndpoint(deployment: ResolvedDeployment): AnthropicEndpoint {
  const { origin, basePath, search } = splitBaseUrl(
    deployment.apiBase ?? DEFAULT_ANTHROPIC_API_BASE,
  );
  // A base given with the version segment (`https://host/v1`) means the same origin.
  const base = basePath.replace(/\/v1$/, '');
  const auth: Record<string, string> =
    deployment.apiKey === undefined || deployment.apiKey === ''
      ? {}
      : { 'x-api-key': deployment.apiKey };
  return {
    origin,
    path: `${joinUpstreamPath(base, MESSAGES_PATH)}${search}`,
    headers: {
      'content-type': 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...auth,
      ...deployment.extraHeaders,
    },
  };
}

/**
 * The headers of one call: the endpoint's, plus `anthropic-beta` listing the request's betas
 * after any the deployment configured in `extra_headers`.
 */
export function callHeaders(
  endpoint: AnthropicEndpoint,
  extra: { readonly betas: readonly string[]; readonly stream: boolean },
): Record<string, string> {
  const headers: Record<string, string> = { ...endpoint.headers };
  if (extra.stream) headers.accept = 'text/event-stream';
  if (extra.betas.length === 0) return headers;
  const configured = headers['anthropic-beta'];
  const all = [...(configured === undefined ? [] : configured.split(',')), ...extra.betas]
    .map((beta) => beta.trim())
    .filter((beta, index, list) => beta !== '' && list.indexOf(beta) === index);
  headers['anthropic-beta'] = all.join(',');
  return headers;
}
