import type { ResolvedDeployment } from '../core/deployment.js';
import type { IdentifiedEntry, ValidConfig } from './validate-config.js';
import {
  DEFAULT_STREAM_TIMEOUT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  type GeneralSettings,
  type LitellmSettings,
  type LoadedConfig,
  type RouterSettings,
} from './loaded-config.js';

/**
 * Router defaults when the config sets none. LiteLLM's Router uses the same `allowed_fails`
 * and `cooldown_time`; with `num_retries: 0` a request is not retried (fallbacks still apply).
 */
export const DEFAULT_NUM_RETRIES = 0;
export const DEFAULT_ALLOWED_FAILS = 3;
export const DEFAULT_COOLDOWN_SECONDS = 5;

const BYTES_PER_MEGABYTE = 1024 * 1024;

/**
 * litellm_params that become typed ResolvedDeployment properties; every other entry stays in
 * `params` for the adapter (mock_response, vertex_project, rpm...).
 */
const DEPLOYMENT_FIELDS = [
  'model',
  'api_base',
  'api_key',
  'api_version',
  'timeout',
  'stream_timeout',
  'extra_headers',
] as const;

/** Turns a validated config into what the rest of Tollgate consumes (warnings added later). */
export function resolveConfig(
  valid: ValidConfig,
  source: string | undefined,
): Omit<LoadedConfig, 'warnings'> {
  return {
    source,
    deployments: valid.entries.map((entry) => resolveDeployment(entry, valid)),
    routerSettings: resolveRouterSettings(valid),
    litellmSettings: resolveLitellmSettings(valid),
    generalSettings: resolveGeneralSettings(valid),
  };
}

function resolveDeployment(identified: IdentifiedEntry, valid: ValidConfig): ResolvedDeployment {
  const { entry } = identified;
  const params = entry.params;
  // Timeouts: the deployment's own, then router_settings, then LiteLLM's global
  // request_timeout (whole requests only: it says nothing about gaps between stream chunks).
  const timeoutSeconds =
    params.timeout ??
    valid.routerSettings.timeout ??
    valid.litellmSettings.request_timeout ??
    DEFAULT_TIMEOUT_SECONDS;
  const streamTimeoutSeconds =
    params.stream_timeout ?? valid.routerSettings.stream_timeout ?? DEFAULT_STREAM_TIMEOUT_SECONDS;
  return {
    id: identified.id,
    modelGroup: entry.modelName,
    provider: entry.provider,
    providerModel: entry.providerModel,
    apiBase: params.api_base,
    apiKey: params.api_key,
    apiVersion: params.api_version,
    timeoutMs: secondsToMs(timeoutSeconds),
    streamTimeoutMs: secondsToMs(streamTimeoutSeconds),
    extraHeaders: params.extra_headers ?? {},
    params: withoutUndefined(params, DEPLOYMENT_FIELDS),
    modelInfo: withoutUndefined(entry.modelInfo, []),
  };
}

function resolveRouterSettings(valid: ValidConfig): RouterSettings {
  const router = valid.routerSettings;
  const litellm = valid.litellmSettings;
  const strategy = router.routing_strategy ?? 'simple-shuffle';
  return {
    // v2 is LiteLLM's reimplementation of the same strategy, not a different behaviour.
    routingStrategy: strategy === 'usage-based-routing-v2' ? 'usage-based-routing' : strategy,
    numRetries: router.num_retries ?? litellm.num_retries ?? DEFAULT_NUM_RETRIES,
    allowedFails: router.allowed_fails ?? DEFAULT_ALLOWED_FAILS,
    cooldownTime: router.cooldown_time ?? DEFAULT_COOLDOWN_SECONDS,
    timeout: router.timeout,
    streamTimeout: router.stream_timeout,
    fallbacks: flattenFallbacks(router.fallbacks ?? litellm.fallbacks),
    contextWindowFallbacks: flattenFallbacks(
      router.context_window_fallbacks ?? litellm.context_window_fallbacks,
    ),
    contentPolicyFallbacks: flattenFallbacks(
      router.content_policy_fallbacks ?? litellm.content_policy_fallbacks,
    ),
    defaultFallbacks: router.default_fallbacks ?? litellm.default_fallbacks ?? [],
    retryPolicy: definedNumbers(router.retry_policy ?? {}),
  };
}

function resolveLitellmSettings(valid: ValidConfig): LitellmSettings {
  const litellm = valid.litellmSettings;
  return {
    dropParams: litellm.drop_params ?? false,
    cache: litellm.cache ?? false,
    cacheParams: withoutUndefined(litellm.cache_params ?? {}, []),
    requestTimeout: litellm.request_timeout,
  };
}

function resolveGeneralSettings(valid: ValidConfig): GeneralSettings {
  const general = valid.generalSettings;
  return {
    masterKey: general.master_key,
    databaseUrl: general.database_url,
    maxRequestBodyBytes:
      general.max_request_size_mb === undefined
        ? undefined
        : Math.round(general.max_request_size_mb * BYTES_PER_MEGABYTE),
    disableSpendLogs: general.disable_spend_logs ?? false,
    budgetReservationMaxTokens: general.budget_reservation_max_tokens,
    alertWebhookUrl: general.alert_webhook_url,
    keyExpiryAlertWindow: general.key_expiry_alert_window,
  };
}

/**
 * `[{ chat: [a] }, { chat: [b], long: [c] }]` → `chat → [a, b], long → [c]`: a group listed in
 * several maps gets all their targets, in order, rather than only the first map's.
 */
function flattenFallbacks(
  list: readonly Readonly<Record<string, readonly string[]>>[] | undefined,
): Map<string, readonly string[]> {
  const merged = new Map<string, string[]>();
  for (const map of list ?? []) {
    for (const [group, targets] of Object.entries(map)) {
      const existing = merged.get(group) ?? [];
      for (const target of targets) if (!existing.includes(target)) existing.push(target);
      merged.set(group, existing);
    }
  }
  return merged;
}

function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/**
 * A copy without the `omit` keys and without `undefined` entries (optional schema fields come
 * out as absent, and consumers iterate these records).
 */
function withoutUndefined(
  record: Readonly<Record<string, unknown>>,
  omit: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([key, value]) => value !== undefined && !omit.includes(key)),
  );
}

function definedNumbers(
  record: Readonly<Record<string, number | undefined>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}
