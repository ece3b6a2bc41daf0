import type { ResolvedDeployment } from '../core/deployment.js';

/** Where a deployment's prices come from when its config does not set them all. */
export type PriceModel =
  /** Local or fake models: no money changes hands. */
  | { readonly kind: 'free' }
  | {
      readonly kind: 'table';
      /** A provider id of the price table (`openai`, `google`, `aws`...). */
      readonly tableProvider: string;
      /** The model id to look up. */
      readonly model: string;
      /**
       * The upstream base URL when it identifies the vendor better than the prefix does: an
       * `openai/` deployment pointed at api.groq.com or api.deepseek.com is priced as Groq or
       * DeepSeek.
       */
      readonly apiBase: string | undefined;
      /** Said in the unknown-model warning, to help the operator fix it. */
      readonly hint: string | undefined;
    };

/** Providers that run on the operator's own hardware (or nowhere): free unless the config says. */
const FREE_PROVIDERS: ReadonlySet<string> = new Set(['ollama', 'ollama_chat', 'mock']);

/**
 * Tollgate's provider prefixes (LiteLLM's) whose price-table provider has another name. Other
 * prefixes are passed through: the table also finds providers by id and by alias (`groq`,
 * `deepseek`, `mistral`, `xai`...).
 */
const TABLE_PROVIDERS: Readonly<Record<string, string>> = {
  gemini: 'google',
  vertex_ai: 'google',
  bedrock: 'aws',
};

/** Prefixes recognised at the start of `model_info.base_model` (`azure/gpt-4o`). */
const BASE_MODEL_PREFIXES: ReadonlySet<string> = new Set([
  'openai',
  'azure',
  'anthropic',
  'gemini',
  'vertex_ai',
  'bedrock',
]);

/**
 * Providers whose model ids may carry a path: Bedrock routes (`converse/anthropic.claude...`) and
 * inference-profile ARNs (`arn:aws:bedrock:...:inference-profile/us.anthropic.claude...`), Vertex
 * publisher paths (`publishers/google/models/gemini-2.5-pro`). The model is the last segment.
 * OpenAI-compatible ids keep their slashes (`meta-llama/Llama-3.3-70B-Instruct` on Together).
 */
const PATH_PROVIDERS: ReadonlySet<string> = new Set(['bedrock', 'vertex_ai', 'gemini']);

function tableProviderOf(provider: string): string {
  return TABLE_PROVIDERS[provider] ?? provider;
}

function lastSegment(model: string): string {
  return model.slice(model.lastIndexOf('/') + 1);
}

/** `model_info.base_model`, LiteLLM's "price this deployment as" setting. */
function baseModelOf(deployment: ResolvedDeployment): string | undefined {
  const value = deployment.modelInfo['base_model'];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function fromBaseModel(deployment: ResolvedDeployment, baseModel: string): PriceModel {
  const slash = baseModel.indexOf('/');
  const prefix = slash > 0 ? baseModel.slice(0, slash) : undefined;
  const provider = prefix !== undefined && BASE_MODEL_PREFIXES.has(prefix) ? prefix : undefined;
  const model = provider === undefined ? baseModel : baseModel.slice(slash + 1);
  return {
    kind: 'table',
    tableProvider: tableProviderOf(provider ?? deployment.provider),
    model: PATH_PROVIDERS.has(provider ?? deployment.provider) ? lastSegment(model) : model,
    apiBase: undefined,
    hint: `model_info.base_model "${baseModel}" is not in the price table`,
  };
}

/**
 * Decides how a deployment is looked up in the price table. Azure deployments are named by the
 * operator, not after the model: `model_info.base_model` (LiteLLM's field) names the model, and
 * without it the deployment name is tried, since many operators name deployments after the model.
 */
export function mapDeploymentToPriceModel(deployment: ResolvedDeployment): PriceModel {
  const provider = deployment.provider;
  const baseModel = baseModelOf(deployment);
  if (baseModel !== undefined) return fromBaseModel(deployment, baseModel);
  if (FREE_PROVIDERS.has(provider)) return { kind: 'free' };
  const model = PATH_PROVIDERS.has(provider)
    ? lastSegment(deployment.providerModel)
    : deployment.providerModel;
  return {
    kind: 'table',
    tableProvider: tableProviderOf(provider),
    model,
    apiBase: provider === 'openai' ? deployment.apiBase : undefined,
    hint:
      provider === 'azure'
        ? 'set model_info.base_model (e.g. azure/gpt-4o) to the model this Azure deployment serves'
        : undefined,
  };
}
