import type { ResolvedDeployment } from '../../core/deployment.js';
import { joinUpstreamPath, splitBaseUrl } from '../../core/upstream-http.js';
import { buildHeaders, type OpenAIEndpoint } from '../openai/openai-endpoint.js';

/**
 * Azure OpenAI speaks the OpenAI wire format at its own URLs:
 * `{origin}/openai/deployments/{deployment}/chat/completions?api-version=...` (and
 * `/embeddings`), authenticated with an `api-key` header.
 * https://learn.microsoft.com/azure/ai-services/openai/reference
 */

/** The latest GA data-plane version when the deployment names none. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** A base configured with more of the path than the resource origin still works. */
const OPERATION_SUFFIX = /\/(?:chat\/completions|embeddings)$/;

export function createAzureEndpoint(deployment: ResolvedDeployment): OpenAIEndpoint {
  if (deployment.apiBase === undefined || deployment.apiBase === '') {
    throw new Error(
      `azure deployment "${deployment.id}" needs an api_base (https://<resource>.openai.azure.com)`,
    );
  }
  const { origin, basePath, search } = splitBaseUrl(deployment.apiBase);
  const deploymentPath = `/openai/deployments/${encodeURIComponent(deployment.providerModel)}`;
  const base = joinUpstreamPath(
    basePath.replace(OPERATION_SUFFIX, '').replace(/\/openai$/, ''),
    deploymentPath,
  );
  const query = new URLSearchParams(search);
  query.set(
    'api-version',
    deployment.apiVersion ?? query.get('api-version') ?? DEFAULT_AZURE_API_VERSION,
  );
  const auth: Record<string, string> =
    deployment.apiKey === undefined || deployment.apiKey === ''
      ? {}
      : { 'api-key': deployment.apiKey };
  return {
    provider: 'azure',
    origin,
    paths: {
      chat: `${base}/chat/completions?${query.toString()}`,
      embeddings: `${base}/embeddings?${query.toString()}`,
    },
    headers: buildHeaders(auth, deployment),
  };
}
