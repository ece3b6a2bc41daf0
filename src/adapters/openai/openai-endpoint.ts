import type { ResolvedDeployment } from '../../core/deployment.js';
import { joinUpstreamPath, splitBaseUrl } from '../../core/upstream-http.js';

/**
 * Where and how an OpenAI-compatible adapter calls its upstream: the one thing that differs
 * between OpenAI-compatible servers and Azure OpenAI. The adapter code is shared; each provider
 * supplies an endpoint (see `azure/azure-endpoint.ts`). Built once per deployment, so the hot
 * path only reads precomputed strings.
 */

/** The upstream operations the adapter calls. */
export type OpenAIOperation = 'chat' | 'embeddings';

export interface OpenAIEndpoint {
  /** Provider name reported in errors (`openai`, `azure`). */
  readonly provider: string;
  /** Origin the keep-alive pool connects to, e.g. `https://api.openai.com`. */
  readonly origin: string;
  /** Path and query of each operation, starting with `/`. */
  readonly paths: Readonly<Record<OpenAIOperation, string>>;
  /** Auth, content type and the deployment's extra headers, sent on every call. */
  readonly headers: Readonly<Record<string, string>>;
}

export const DEFAULT_OPENAI_API_BASE = 'https://api.openai.com/v1';

/** Builds the headers every call carries; the deployment's `extra_headers` are added last. */
export function buildHeaders(
  auth: Readonly<Record<string, string>>,
  deployment: ResolvedDeployment,
): Record<string, string> {
  return { 'content-type': 'application/json', ...auth, ...deployment.extraHeaders };
}

/** A base configured with an operation's full path (`.../v1/chat/completions`) still serves both. */
const OPERATION_SUFFIX = /\/(?:chat\/completions|embeddings)$/;

/**
 * Any OpenAI-compatible server: `{api_base}/chat/completions` and `{api_base}/embeddings`, where
 * `api_base` includes the version segment (`/v1`); a base that already ends in the operation's
 * path is used as is (SPEC §2). Query parameters of the base are kept.
 */
export function createOpenAIEndpoint(deployment: ResolvedDeployment): OpenAIEndpoint {
  const split = splitBaseUrl(deployment.apiBase ?? DEFAULT_OPENAI_API_BASE);
  const { origin, search } = split;
  const basePath = split.basePath.replace(OPERATION_SUFFIX, '');
  const auth: Record<string, string> =
    deployment.apiKey === undefined || deployment.apiKey === ''
      ? {}
      : { authorization: `Bearer ${deployment.apiKey}` };
  return {
    provider: 'openai',
    origin,
    paths: {
      chat: `${joinUpstreamPath(basePath, '/chat/completions')}${search}`,
      embeddings: `${joinUpstreamPath(basePath, '/embeddings')}${search}`,
    },
    headers: buildHeaders(auth, deployment),
  };
}
