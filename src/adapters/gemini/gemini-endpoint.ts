import type { CallOptions } from '../../core/adapter.js';
import type { ResolvedDeployment } from '../../core/deployment.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/embeddings.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { splitBaseUrl } from '../../core/upstream-http.js';
import type { CancelSignal } from '../../core/cancellation.js';

/**
 * Where and how a Google generative adapter calls its upstream: the part that differs between
 * the Gemini API and Vertex AI (URL, auth, embeddings method). The conversion code is shared;
 * each provider supplies an endpoint (see `vertex-ai/vertex-ai-endpoint.ts`).
 */

/** One call's resolved target: Vertex AI may have to fetch an access token first. */
export interface GeminiCallTarget {
  readonly origin: string;
  /** Path of the model resource; operations are appended as `:<operation>`. */
  readonly modelPath: string;
  /** Query string of the configured base (without `?`), kept on every call. */
  readonly query: string;
  /** Content type, auth and the deployment's extra headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Values to scrub from errors (keys, tokens). */
  readonly secrets: readonly string[];
}

/** What an embedder gets to make its call through the adapter's HTTP plumbing. */
export interface EmbedCall {
  readonly target: GeminiCallTarget;
  readonly upstream: UpstreamTarget;
  readonly options: CallOptions;
  /** The provider model id, for the response's `model`. */
  readonly model: string;
  /** POSTs a JSON body to a path of the target's origin and returns the 2xx body. */
  post(path: string, body: Record<string, unknown>): Promise<string>;
}

export interface GeminiEmbedder {
  embed(request: EmbeddingRequest, call: EmbedCall): Promise<EmbeddingResponse>;
}

export interface GeminiEndpoint {
  /** Provider name reported in errors and used as the `provider_metadata` key. */
  readonly provider: string;
  /** Resolves the target of one call. */
  prepare(signal: CancelSignal): Promise<GeminiCallTarget>;
  /** The upstream refused the credentials of `target` (HTTP 401): forget a cached token. */
  rejected(target: GeminiCallTarget): void;
  readonly embedder: GeminiEmbedder;
}

export const DEFAULT_GEMINI_API_BASE = 'https://generativelanguage.googleapis.com';

/** `<path>:<operation>?<query>`, keeping the base's own query parameters. */
export function operationPath(
  target: GeminiCallTarget,
  operation: string,
  query: Readonly<Record<string, string>> = {},
): string {
  const search = new URLSearchParams(target.query);
  for (const [key, value] of Object.entries(query)) search.set(key, value);
  const text = search.toString();
  return `${target.modelPath}:${operation}${text === '' ? '' : `?${text}`}`;
}

/** A base configured with an operation's full path still works. */
const OPERATION_SUFFIX =
  /:(?:generateContent|streamGenerateContent|embedContent|batchEmbedContents|predict)$/;

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; `models/x` and `tunedModels/x` as they are. */
function modelResource(model: string): string {
  const resource = model.includes('/') ? model : `models/${model}`;
  return resource.split('/').map(encodeURIComponent).join('/');
}

/**
 * `{origin}/v1beta/models/{model}` from the `api_base` (SPEC §2): the origin alone gets the
 * documented version; a base that names a version (`/v1`, `/v1beta`) or the model path already
 * is used as is (https://ai.google.dev/gemini-api/docs/api-versions).
 */
export function geminiModelPath(basePath: string, model: string): string {
  const resource = modelResource(model);
  const trimmed = basePath.replace(OPERATION_SUFFIX, '');
  if (trimmed.endsWith(`/${resource}`)) return trimmed;
  if (/\/v1(?:alpha|beta)?\d*$/.test(trimmed)) return `${trimmed}/${resource}`;
  return `${trimmed}/v1beta/${resource}`;
}

/** The Gemini API (Google AI Studio): a static target authenticated by `x-goog-api-key`. */
export function createGeminiTarget(deployment: ResolvedDeployment): GeminiCallTarget {
  const { origin, basePath, search } = splitBaseUrl(deployment.apiBase ?? DEFAULT_GEMINI_API_BASE);
  const key = deployment.apiKey;
  const auth: Record<string, string> =
    key === undefined || key === '' ? {} : { 'x-goog-api-key': key };
  return {
    origin,
    modelPath: geminiModelPath(basePath, deployment.providerModel),
    query: search.replace(/^\?/, ''),
    headers: { 'content-type': 'application/json', ...auth, ...deployment.extraHeaders },
    secrets: key === undefined || key === '' ? [] : [key],
  };
}
