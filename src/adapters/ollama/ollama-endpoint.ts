import type { ResolvedDeployment } from '../../core/deployment.js';
import { joinUpstreamPath, splitBaseUrl } from '../../core/upstream-http.js';

/**
 * Where an Ollama deployment calls: the native API (`/api/chat`, `/api/embed`) at `api_base`
 * (default the local server). Both `ollama/` and `ollama_chat/` use `/api/chat`. Ollama needs
 * no auth; an `api_key` (ollama.com, or a proxy in front of a server) is sent as a Bearer token.
 * https://github.com/ollama/ollama/blob/main/docs/api.md
 */

export const DEFAULT_OLLAMA_API_BASE = 'http://127.0.0.1:11434';

export interface OllamaEndpoint {
  /** The provider prefix (`ollama` or `ollama_chat`), used in errors and provider_metadata. */
  readonly provider: string;
  readonly origin: string;
  readonly paths: { readonly chat: string; readonly embed: string };
  /** Content type, auth and the deployment's extra headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A base configured with an operation's full path still serves both operations. */
const OPERATION_SUFFIX = /\/api\/(?:chat|embed)$/;

export function createOllamaEndpoint(deployment: ResolvedDeployment): OllamaEndpoint {
  const split = splitBaseUrl(deployment.apiBase ?? DEFAULT_OLLAMA_API_BASE);
  const basePath = split.basePath.replace(OPERATION_SUFFIX, '');
  const auth: Record<string, string> =
    deployment.apiKey === undefined || deployment.apiKey === ''
      ? {}
      : { authorization: `Bearer ${deployment.apiKey}` };
  return {
    provider: deployment.provider,
    origin: split.origin,
    paths: {
      chat: `${joinUpstreamPath(basePath, '/api/chat')}${split.search}`,
      embed: `${joinUpstreamPath(basePath, '/api/embed')}${split.search}`,
    },
    headers: { 'content-type': 'application/json', ...auth, ...deployment.extraHeaders },
  };
}
