import type { ConfigPath, ConfigProblem } from './config-error.js';
import type { LitellmParams, ModelInfo, ModelListEntry } from './config-schema.js';

/** A `model_list` entry that passed every check, ready to resolve into a deployment. */
export interface CheckedModelEntry {
  /** Position in `model_list`. */
  readonly index: number;
  readonly modelName: string;
  /** Which key held the params (`params` is LiteLLM's alias), for paths in messages. */
  readonly paramsKey: 'litellm_params' | 'params';
  readonly params: LitellmParams;
  readonly modelInfo: ModelInfo;
  readonly provider: string;
  readonly providerModel: string;
}

export interface EntryCheck {
  readonly index: number;
  /** Provider prefixes that have an adapter (from the registry). */
  readonly knownProviders: readonly string[];
}

export type EntryCheckResult =
  | { readonly ok: true; readonly entry: CheckedModelEntry }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * The checks zod cannot express on one entry: the params alias, the provider prefix against
 * the adapter registry (known only at run time), per-provider required fields, wildcards.
 */
export function checkModelEntry(entry: ModelListEntry, check: EntryCheck): EntryCheckResult {
  const base: ConfigPath = ['model_list', check.index];
  if (entry.litellm_params !== undefined && entry.params !== undefined) {
    return failure([...base, 'params'], 'use either litellm_params or its alias params, not both');
  }
  const paramsKey = entry.params === undefined ? 'litellm_params' : 'params';
  const params = entry.litellm_params ?? entry.params;
  if (params === undefined) {
    return failure([...base, 'litellm_params'], 'is missing (it holds the model to call)');
  }
  const paramsPath: ConfigPath = [...base, paramsKey];
  const problems: ConfigProblem[] = [];
  const split = splitModel(params.model, check.knownProviders);
  if (typeof split === 'string') {
    problems.push({ path: [...paramsPath, 'model'], message: split });
  }
  const modelName = entry.model_name;
  if (countStars(modelName) > 1) {
    problems.push({
      path: [...base, 'model_name'],
      message: `"${modelName}" has more than one "*"; a wildcard model_name takes exactly one`,
    });
  }
  if (typeof split !== 'string') {
    if (split.providerModel.includes('*') && !modelName.includes('*')) {
      problems.push({
        path: [...paramsPath, 'model'],
        message: `"*" in "${params.model}" is only substituted when model_name is a wildcard too (e.g. ${split.provider}/*)`,
      });
    }
    // Azure has no default endpoint: every resource has its own host.
    if (split.provider === 'azure' && params.api_base === undefined) {
      problems.push({
        path: [...paramsPath, 'api_base'],
        message: 'is required for azure/ models (e.g. https://<resource>.openai.azure.com)',
      });
    }
    if (split.provider === 'vertex_ai') problems.push(...checkVertexParams(params, paramsPath));
    if (split.provider === 'bedrock') problems.push(...checkBedrockParams(params, paramsPath));
    if (split.provider === 'anthropic') {
      problems.push(...checkAnthropicModelInfo(entry.model_info ?? {}, [...base, 'model_info']));
    }
  }
  if (problems.length > 0 || typeof split === 'string') return { ok: false, problems };
  return {
    ok: true,
    entry: {
      index: check.index,
      modelName,
      paramsKey,
      params,
      modelInfo: entry.model_info ?? {},
      provider: split.provider,
      providerModel: split.providerModel,
    },
  };
}

function failure(path: ConfigPath, message: string): EntryCheckResult {
  return { ok: false, problems: [{ path, message }] };
}

function countStars(text: string): number {
  return text.split('*').length - 1;
}

/** `openai/gpt-4o` → provider and model id, or a message saying what is wrong. */
function splitModel(
  model: string,
  knownProviders: readonly string[],
): { provider: string; providerModel: string } | string {
  const known = `known providers: ${knownProviders.join(', ')}`;
  const slash = model.indexOf('/');
  if (slash <= 0) {
    return `"${model}" has no provider prefix; write it as <provider>/${model} (${known})`;
  }
  const provider = model.slice(0, slash);
  const providerModel = model.slice(slash + 1);
  if (!knownProviders.includes(provider)) {
    return `unknown provider "${provider}" in "${model}" (${known})`;
  }
  if (providerModel === '') {
    return `"${model}" names no model after the provider prefix`;
  }
  return { provider, providerModel };
}

/**
 * Vertex AI calls a project's URL with an OAuth token: it needs credentials (a service-account
 * key, or `api_key` as a ready access token) and a project (`vertex_project`, or the `project_id`
 * of inline credentials; a key file is only read at the first request).
 */
function checkVertexParams(params: LitellmParams, paramsPath: ConfigPath): ConfigProblem[] {
  const credentials = params.vertex_credentials;
  if (credentials === undefined && params.api_key === undefined) {
    return [
      {
        path: [...paramsPath, 'vertex_credentials'],
        message:
          'is required for vertex_ai/ models (a service-account key: JSON, mapping or file path), unless api_key holds an access token',
      },
    ];
  }
  if (params.vertex_project !== undefined || credentials !== undefined) return [];
  return [
    {
      path: [...paramsPath, 'vertex_project'],
      message: 'is required for vertex_ai/ models (the Google Cloud project id)',
    },
  ];
}

/**
 * The model_info overrides the anthropic/ adapter reads (src/adapters/anthropic/anthropic-models.ts):
 * `thinking_mode` (adaptive | budget) and `supports_response_schema` (a boolean).
 */
function checkAnthropicModelInfo(info: ModelInfo, infoPath: ConfigPath): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const mode = info.thinking_mode;
  if (mode !== undefined && mode !== 'adaptive' && mode !== 'budget') {
    problems.push({
      path: [...infoPath, 'thinking_mode'],
      message: 'must be "adaptive" or "budget" for anthropic/ models',
    });
  }
  const schema = info.supports_response_schema;
  if (schema !== undefined && typeof schema !== 'boolean') {
    problems.push({
      path: [...infoPath, 'supports_response_schema'],
      message: 'must be true or false',
    });
  }
  return problems;
}

/**
 * Bedrock signs with an AWS key pair, so half a pair is a mistake; a region, when given, must
 * look like one (it becomes the host name). A missing region is reported by the adapter at call
 * time instead: environment discovery may find keys without a region, and that must not stop
 * the gateway from starting.
 */
function checkBedrockParams(params: LitellmParams, paramsPath: ConfigPath): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const hasId = params.aws_access_key_id !== undefined;
  const hasSecret = params.aws_secret_access_key !== undefined;
  if (hasId !== hasSecret) {
    const missing = hasId ? 'aws_secret_access_key' : 'aws_access_key_id';
    const given = hasId ? 'aws_access_key_id' : 'aws_secret_access_key';
    problems.push({
      path: [...paramsPath, missing],
      message: `is required for bedrock/ models when ${given} is set`,
    });
  }
  const region = params.aws_region_name;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    problems.push({
      path: [...paramsPath, 'aws_region_name'],
      message: `"${region}" is not an AWS region (e.g. us-east-1)`,
    });
  }
  return problems;
}
