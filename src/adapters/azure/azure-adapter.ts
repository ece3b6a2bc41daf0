import type { ModelAdapter } from '../../core/adapter.js';
import type { ResolvedDeployment } from '../../core/deployment.js';
import type { UpstreamPools } from '../../core/upstream-http.js';
import { createOpenAICompatibleAdapter } from '../openai/openai-adapter.js';
import { createAzureEndpoint } from './azure-endpoint.js';

/**
 * The `azure/` provider: the OpenAI adapter with Azure's URL and auth (`azure-endpoint.ts`).
 * Azure's differences in the bodies are handled by the shared code: content-filter errors
 * (`openai-error.ts`), the `prompt_filter_results` first chunk and annotation chunks without
 * `delta` (`map-openai-stream.ts`, `read-openai-chunk.ts`).
 */
export function createAzureAdapter(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
): ModelAdapter {
  return createOpenAICompatibleAdapter({
    deployment,
    pools,
    endpoint: createAzureEndpoint(deployment),
  });
}
