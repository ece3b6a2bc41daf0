import type { ResolvedDeployment } from '../core/deployment.js';

/**
 * The configuration after loading and validation: what the rest of Tollgate consumes. The YAML
 * schema (LiteLLM-compatible, SPEC §2) lives in `config-schema.ts`; this is its resolved form.
 */
export interface LoadedConfig {
  /** The file it came from, or undefined when models were discovered from the environment. */
  readonly source: string | undefined;
  /** Every `model_list` entry, resolved (secrets from `os.environ/NAME` already read). */
  readonly deployments: readonly ResolvedDeployment[];
  readonly routerSettings: RouterSettings;
  readonly litellmSettings: LitellmSettings;
  readonly generalSettings: GeneralSettings;
  /** One message per unknown key or setting not yet in effect, to print at start-up. */
  readonly warnings: readonly string[];
}

export interface RouterSettings {
  readonly routingStrategy:
    | 'simple-shuffle'
    | 'least-busy'
    | 'latency-based-routing'
    | 'usage-based-routing'
    | 'cost-based-routing';
  readonly numRetries: number;
  readonly allowedFails: number;
  /** Seconds. */
  readonly cooldownTime: number;
  /** Seconds; default whole-request timeout for deployments that set none. */
  readonly timeout: number | undefined;
  /** Seconds; default stream idle timeout for deployments that set none. */
  readonly streamTimeout: number | undefined;
  /** `[{ chat: ['claude'] }]` flattened to group → fallback groups. */
  readonly fallbacks: ReadonlyMap<string, readonly string[]>;
  readonly contextWindowFallbacks: ReadonlyMap<string, readonly string[]>;
  readonly contentPolicyFallbacks: ReadonlyMap<string, readonly string[]>;
  readonly defaultFallbacks: readonly string[];
  /** Retries per error kind (LiteLLM's `retry_policy`), e.g. `RateLimitErrorRetries: 3`. */
  readonly retryPolicy: Readonly<Record<string, number>>;
}

export interface LitellmSettings {
  readonly dropParams: boolean;
  /** Whether response caching is on (`cache: true`). */
  readonly cache: boolean;
  /** `cache_params`, validated but interpreted by the cache (a later stage). */
  readonly cacheParams: Readonly<Record<string, unknown>>;
  /** Seconds; LiteLLM's global `request_timeout`. */
  readonly requestTimeout: number | undefined;
}

export interface GeneralSettings {
  /** The admin key, if configured. */
  readonly masterKey: string | undefined;
  /** A SQLite path (or, later, a postgres:// URL). */
  readonly databaseUrl: string | undefined;
  /** Largest accepted request body, in bytes. */
  readonly maxRequestBodyBytes: number | undefined;
  /** Write no spend rows (LiteLLM's `disable_spend_logs`). */
  readonly disableSpendLogs: boolean;
  /** Output tokens reserved against budgets when a request sets no max_tokens (default 4096). */
  readonly budgetReservationMaxTokens: number | undefined;
  /** Where budget alerts are also POSTed. */
  readonly alertWebhookUrl: string | undefined;
  /** How long before expiry a key_expiring alert fires (`7d` by default). */
  readonly keyExpiryAlertWindow: string | undefined;
}

/** Defaults when neither the deployment nor router_settings set a timeout. */
export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_STREAM_TIMEOUT_SECONDS = 120;
