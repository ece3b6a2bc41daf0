import type { ResolvedDeployment } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import { splitBaseUrl, type UpstreamPools } from '../../core/upstream-http.js';
import type { GeminiCallTarget, GeminiEndpoint } from '../gemini/gemini-endpoint.js';
import type { ServiceAccount } from './vertex-ai-api.js';
import { VertexAccessTokens } from './vertex-ai-access-token.js';
import { loadVertexCredentials } from './load-vertex-ai-credentials.js';
import { vertexEmbedder } from './vertex-ai-embedder.js';
import type { CancelSignal } from '../../core/cancellation.js';

/**
 * Vertex AI's URL and auth for the shared Google adapter:
 * `{origin}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent`
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent),
 * with `{location}-aiplatform.googleapis.com` as the origin, or `aiplatform.googleapis.com` for
 * the `global` location (https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations#global-endpoint).
 *
 * Settings come from `litellm_params`, as LiteLLM names them: `vertex_project`,
 * `vertex_location` (default `us-central1`, LiteLLM's default), `vertex_credentials` (a
 * service-account key: JSON, mapping or file path; its `project_id` stands in for a missing
 * `vertex_project`). Without credentials, `api_key` is taken as a ready OAuth access token.
 */

export const DEFAULT_VERTEX_LOCATION = 'us-central1';

interface VertexSettings {
  readonly project: string | undefined;
  readonly location: string;
  readonly credentials: unknown;
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function settingsOf(deployment: ResolvedDeployment): VertexSettings {
  const params = deployment.params;
  return {
    project: stringParam(params.vertex_project),
    location: stringParam(params.vertex_location) ?? DEFAULT_VERTEX_LOCATION,
    credentials: params.vertex_credentials ?? undefined,
  };
}

export function defaultVertexOrigin(location: string): string {
  return location === 'global'
    ? 'https://aiplatform.googleapis.com'
    : `https://${location}-aiplatform.googleapis.com`;
}

/** A base configured with an operation's full path still works. */
const OPERATION_SUFFIX = /:(?:generateContent|streamGenerateContent|predict)$/;

/**
 * The model resource path. A model id naming a publisher (`publishers/google/models/x`) or a
 * whole resource (`projects/.../endpoints/123`, a tuned model) is used as it says.
 */
export function vertexModelPath(
  basePath: string,
  model: { project: string; location: string; model: string },
): string {
  const scope = `projects/${model.project}/locations/${model.location}`;
  let resource: string;
  if (model.model.startsWith('projects/')) resource = model.model;
  else if (model.model.includes('/')) resource = `${scope}/${model.model}`;
  else resource = `${scope}/publishers/google/models/${model.model}`;
  resource = resource.split('/').map(encodeURIComponent).join('/');
  const trimmed = basePath.replace(OPERATION_SUFFIX, '');
  if (trimmed.endsWith(`/${resource}`)) return trimmed;
  if (/\/v1(?:beta1)?$/.test(trimmed)) return `${trimmed}/${resource}`;
  return `${trimmed}/v1/${resource}`;
}

type Auth =
  | { readonly kind: 'service-account'; readonly tokens: VertexAccessTokens }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'none' };

class VertexEndpoint implements GeminiEndpoint {
  readonly provider = 'vertex_ai';
  readonly embedder = vertexEmbedder;
  private readonly deployment: ResolvedDeployment;
  private readonly settings: VertexSettings;
  private readonly auth: Auth;
  private account: Promise<ServiceAccount> | undefined;
  private modelPath: string | undefined;

  constructor(deployment: ResolvedDeployment, pools: UpstreamPools) {
    this.deployment = deployment;
    this.settings = settingsOf(deployment);
    if (this.settings.credentials !== undefined) {
      this.auth = {
        kind: 'service-account',
        tokens: new VertexAccessTokens({
          credentials: () => this.serviceAccount(),
          pools,
          timeoutMs: deployment.timeoutMs,
        }),
      };
    } else if (deployment.apiKey !== undefined && deployment.apiKey !== '') {
      this.auth = { kind: 'token', token: deployment.apiKey };
    } else {
      this.auth = { kind: 'none' };
    }
  }

  async prepare(signal: CancelSignal): Promise<GeminiCallTarget> {
    const token = await this.token(signal);
    const { origin, basePath, search } = splitBaseUrl(
      this.deployment.apiBase ?? defaultVertexOrigin(this.settings.location),
    );
    this.modelPath ??= vertexModelPath(basePath, {
      project: await this.project(),
      location: this.settings.location,
      model: this.deployment.providerModel,
    });
    return {
      origin,
      modelPath: this.modelPath,
      query: search.replace(/^\?/, ''),
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...this.deployment.extraHeaders,
      },
      secrets: [token],
    };
  }

  rejected(target: GeminiCallTarget): void {
    if (this.auth.kind !== 'service-account') return;
    const token = target.headers.authorization?.replace(/^Bearer /, '');
    if (token !== undefined) this.auth.tokens.invalidate(token);
  }

  private token(signal: CancelSignal): Promise<string> {
    switch (this.auth.kind) {
      case 'service-account':
        return this.auth.tokens.token(signal);
      case 'token':
        return Promise.resolve(this.auth.token);
      case 'none':
        return Promise.reject(
          new GatewayError(
            'upstream_auth_failed',
            `vertex_ai deployment "${this.deployment.id}" has neither vertex_credentials nor api_key (an access token)`,
            { provider: 'vertex_ai', retryable: false },
          ),
        );
    }
  }

  private serviceAccount(): Promise<ServiceAccount> {
    if (this.account === undefined) {
      const loading = loadVertexCredentials(this.settings.credentials);
      // A file that could not be read may be fixed without a restart: try again next time.
      loading.catch(() => {
        if (this.account === loading) this.account = undefined;
      });
      this.account = loading;
    }
    return this.account;
  }

  private async project(): Promise<string> {
    if (this.settings.project !== undefined) return this.settings.project;
    const fromKey =
      this.auth.kind === 'service-account' ? (await this.serviceAccount()).project_id : undefined;
    if (fromKey) return fromKey;
    throw new GatewayError(
      'internal_error',
      `vertex_ai deployment "${this.deployment.id}" needs vertex_project (no project_id in its credentials either)`,
      { provider: 'vertex_ai', retryable: false },
    );
  }
}

export function createVertexEndpoint(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
): GeminiEndpoint {
  return new VertexEndpoint(deployment, pools);
}
