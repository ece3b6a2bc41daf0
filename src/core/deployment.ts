/**
 * A deployment resolved from configuration: everything an adapter needs to call one upstream.
 * Built once at start-up (or once per wildcard expansion), never per request.
 */
export interface ResolvedDeployment {
  /** Stable id: `model_info.id` from the config, or derived from the group and position. */
  readonly id: string;
  /** The public model name (model group) this deployment serves. */
  readonly modelGroup: string;
  /** Provider prefix of `litellm_params.model`, e.g. `openai`, `azure`, `mock`. */
  readonly provider: string;
  /** The model id at the provider (the part after the prefix); for Azure, the deployment name. */
  readonly providerModel: string;
  /** Base URL of the upstream API, as configured (adapters append their paths). */
  readonly apiBase: string | undefined;
  /** The upstream credential, if any. Never logged, never returned. */
  readonly apiKey: string | undefined;
  /** API version, for providers that version by query parameter (Azure). */
  readonly apiVersion: string | undefined;
  /** Whole-request timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Longest silence allowed between stream chunks, in milliseconds. */
  readonly streamTimeoutMs: number;
  /** Extra upstream headers from `litellm_params.extra_headers`. */
  readonly extraHeaders: Readonly<Record<string, string>>;
  /** Every other `litellm_params` entry, for provider-specific settings (e.g. `mock_response`). */
  readonly params: Readonly<Record<string, unknown>>;
  /** `model_info` as configured (context window, pricing metadata...). */
  readonly modelInfo: Readonly<Record<string, unknown>>;
}

/** Secrets of a deployment, so that errors and logs can scrub them. */
export function deploymentSecrets(deployment: ResolvedDeployment): string[] {
  const secrets: string[] = [];
  if (deployment.apiKey) secrets.push(deployment.apiKey);
  for (const value of Object.values(deployment.extraHeaders)) {
    if (value.length >= 12) secrets.push(value);
  }
  return secrets;
}
