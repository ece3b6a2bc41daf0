import type { AdapterFactory } from '../core/adapter.js';
import type { UpstreamPools } from '../core/upstream-http.js';
import { createAnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { createAzureAdapter } from './azure/azure-adapter.js';
import { createBedrockAdapter } from './bedrock/bedrock-adapter.js';
import { createGeminiAdapter } from './gemini/gemini-adapter.js';
import { createMockAdapter } from './mock/mock-adapter.js';
import { createOllamaAdapter } from './ollama/ollama-adapter.js';
import { createOpenAIAdapter } from './openai/openai-adapter.js';
import { createVertexAIAdapter } from './vertex-ai/vertex-ai-adapter.js';

/**
 * The only file that lists every provider. A provider prefix (`openai/...`) maps to the factory
 * that builds its adapter for one deployment.
 */
export type ProviderFactory = (pools: UpstreamPools) => AdapterFactory;

const PROVIDERS: Readonly<Record<string, ProviderFactory>> = {
  mock: () => createMockAdapter,
  openai: (pools) => (deployment) => createOpenAIAdapter(deployment, pools),
  azure: (pools) => (deployment) => createAzureAdapter(deployment, pools),
  gemini: (pools) => (deployment) => createGeminiAdapter(deployment, pools),
  vertex_ai: (pools) => (deployment) => createVertexAIAdapter(deployment, pools),
  anthropic: (pools) => (deployment) => createAnthropicAdapter(deployment, pools),
  bedrock: (pools) => (deployment) => createBedrockAdapter(deployment, pools),
  ollama: (pools) => (deployment) => createOllamaAdapter(deployment, pools),
  ollama_chat: (pools) => (deployment) => createOllamaAdapter(deployment, pools),
};

/** Provider prefixes Tollgate can serve. */
export const KNOWN_PROVIDERS: readonly string[] = Object.keys(PROVIDERS);

/** Builds the per-provider adapter lookup the model catalog uses, sharing one pool set. */
export function createAdapterLookup(
  pools: UpstreamPools,
): (provider: string) => AdapterFactory | undefined {
  const factories = new Map<string, AdapterFactory>();
  for (const [name, make] of Object.entries(PROVIDERS)) factories.set(name, make(pools));
  return (provider) => factories.get(provider);
}
