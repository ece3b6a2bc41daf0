import type { ModelAdapter } from '../../core/adapter.js';
import type { ResolvedDeployment } from '../../core/deployment.js';
import type { UpstreamPools } from '../../core/upstream-http.js';
import { createGoogleGenerativeAdapter } from '../gemini/gemini-adapter.js';
import { createVertexEndpoint } from './vertex-ai-endpoint.js';

/**
 * The `vertex_ai/` provider: Gemini models on Vertex AI. The request and response bodies are the
 * Gemini API's, so the `gemini/` adapter code serves it with Vertex AI's URL, OAuth and
 * embeddings method (`vertex-ai-endpoint.ts`).
 */
export function createVertexAIAdapter(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
): ModelAdapter {
  return createGoogleGenerativeAdapter({
    deployment,
    pools,
    endpoint: createVertexEndpoint(deployment, pools),
  });
}
