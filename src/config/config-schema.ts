import { z } from 'zod';

/**
 * The LiteLLM-compatible config file (SPEC §2), as zod schemas. Objects use `z.object`, which
 * strips unknown keys instead of failing on them: LiteLLM configs carry many keys Tollgate does
 * not know, and those are reported as warnings by `find-unknown-keys.ts`, which walks these
 * same schemas. Values are checked after `os.environ/NAME` references have been replaced.
 */

/** How `find-unknown-keys.ts` treats keys an object schema does not list. */
export interface UnknownKeyPolicy {
  /**
   * `allowed`: free-form (e.g. `model_info`), no warning. `passed-to-adapter`: warned, but kept
   * and handed to the adapter in `params` (LiteLLM passes unknown `litellm_params` through to the
   * provider call, so dropping them would change behaviour more than a warning does).
   */
  readonly unknownKeys: 'allowed' | 'passed-to-adapter';
}

/** Object schemas whose unknown keys are not simply "ignored"; see UnknownKeyPolicy. */
export const unknownKeyPolicies = z.registry<UnknownKeyPolicy>();

/**
 * An `os.environ/NAME` reference always yields a string, so numeric and boolean fields also
 * accept their string spelling; otherwise `timeout: os.environ/TIMEOUT` could never work.
 */
function numberFromString(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

function booleanFromString(value: unknown): unknown {
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  return value;
}

const positiveNumber = z.preprocess(
  numberFromString,
  z.number().positive({ error: 'must be greater than 0' }),
);
const nonNegativeNumber = z.preprocess(
  numberFromString,
  z.number().nonnegative({ error: 'must be 0 or more' }),
);
const positiveInteger = z.preprocess(
  numberFromString,
  z.number().int({ error: 'must be a whole number' }).positive({ error: 'must be greater than 0' }),
);
const nonNegativeInteger = z.preprocess(
  numberFromString,
  z.number().int({ error: 'must be a whole number' }).nonnegative({ error: 'must be 0 or more' }),
);
const booleanLike = z.preprocess(booleanFromString, z.boolean());

/** A string that must be present and non-empty; "is missing" reads better than zod's default. */
function requiredString(): z.ZodString {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : undefined) })
    .min(1, { error: 'must not be empty' });
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === 'http:' || protocol === 'https:';
}

const httpUrl = z.string().refine(isHttpUrl, { error: 'must be an http:// or https:// URL' });

// RFC 9110 token characters; undici would otherwise reject the header only at request time.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const extraHeadersSchema = z.record(
  z.string().regex(HEADER_NAME, { error: 'is not a valid HTTP header name' }),
  z.string().refine((value) => !/[\r\n\0]/.test(value), {
    error: 'must not contain line breaks',
  }),
);

export const litellmParamsSchema = z
  .looseObject({
    /** `<provider>/<provider model id>`; the prefix is checked against the adapter registry. */
    model: requiredString(),
    api_base: httpUrl.optional(),
    api_key: z.string().optional(),
    api_version: z.string().optional(),
    rpm: positiveInteger.optional(),
    tpm: positiveInteger.optional(),
    /** Seconds, whole request. */
    timeout: positiveNumber.optional(),
    /** Seconds without a stream chunk. */
    stream_timeout: positiveNumber.optional(),
    input_cost_per_token: nonNegativeNumber.optional(),
    output_cost_per_token: nonNegativeNumber.optional(),
    cache_read_input_token_cost: nonNegativeNumber.optional(),
    cache_creation_input_token_cost: nonNegativeNumber.optional(),
    weight: positiveNumber.optional(),
    max_tokens: positiveInteger.optional(),
    extra_headers: extraHeadersSchema.optional(),
    mock_response: z.string().optional(),
    mock_latency_ms: nonNegativeNumber.optional(),
    mock_chunk_delay_ms: nonNegativeNumber.optional(),
    mock_dimensions: positiveInteger.optional(),
    // Provider credentials, accepted now and read by the adapters that need them.
    vertex_project: z.string().optional(),
    vertex_location: z.string().optional(),
    /** A service-account JSON (as text or as a mapping) or a path to one. */
    vertex_credentials: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    aws_access_key_id: z.string().optional(),
    aws_secret_access_key: z.string().optional(),
    aws_session_token: z.string().optional(),
    aws_region_name: z.string().optional(),
  })
  .register(unknownKeyPolicies, { unknownKeys: 'passed-to-adapter' });

export const modelInfoSchema = z
  .looseObject({
    // YAML reads `id: 1` as a number; an id is a label, so take it as text.
    id: z
      .union([z.string().min(1, { error: 'must not be empty' }), z.number()])
      .transform(String)
      .optional(),
    max_input_tokens: positiveInteger.optional(),
    max_output_tokens: positiveInteger.optional(),
  })
  .register(unknownKeyPolicies, { unknownKeys: 'allowed' });

export const modelListEntrySchema = z.object({
  model_name: requiredString(),
  litellm_params: litellmParamsSchema.optional(),
  /** Alias of `litellm_params`; exactly one of the two must be given. */
  params: litellmParamsSchema.optional(),
  model_info: modelInfoSchema.optional(),
});

/** LiteLLM's `[{ chat: [claude, gpt] }, ...]`: a list of maps from group to fallback groups. */
const fallbackListSchema = z.array(z.record(z.string(), z.array(z.string())));

/** Only the fallback keys, shared by router_settings and litellm_settings. */
export const fallbackSettingsSchema = z.object({
  fallbacks: fallbackListSchema.optional(),
  context_window_fallbacks: fallbackListSchema.optional(),
  content_policy_fallbacks: fallbackListSchema.optional(),
  default_fallbacks: z.array(z.string()).optional(),
});

export const ROUTING_STRATEGIES = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'usage-based-routing',
  // LiteLLM's newer implementation of the same strategy; resolved to `usage-based-routing`.
  'usage-based-routing-v2',
  'cost-based-routing',
] as const;

/** LiteLLM's RetryPolicy fields: retries per kind of error. */
const retryPolicySchema = z.object({
  BadRequestErrorRetries: nonNegativeInteger.optional(),
  AuthenticationErrorRetries: nonNegativeInteger.optional(),
  TimeoutErrorRetries: nonNegativeInteger.optional(),
  RateLimitErrorRetries: nonNegativeInteger.optional(),
  ContentPolicyViolationErrorRetries: nonNegativeInteger.optional(),
  InternalServerErrorRetries: nonNegativeInteger.optional(),
});

export const routerSettingsSchema = fallbackSettingsSchema.extend({
  routing_strategy: z.enum(ROUTING_STRATEGIES).optional(),
  num_retries: nonNegativeInteger.optional(),
  allowed_fails: nonNegativeInteger.optional(),
  /** Seconds. */
  cooldown_time: nonNegativeNumber.optional(),
  timeout: positiveNumber.optional(),
  stream_timeout: positiveNumber.optional(),
  retry_policy: retryPolicySchema.optional(),
});

export const CACHE_TYPES = ['local', 'redis', 'redis-semantic', 'sqlite-semantic'] as const;

/** LiteLLM's names for the call types Tollgate caches: chat completions and embeddings. */
export const CHAT_CALL_TYPES: readonly string[] = [
  'completion',
  'acompletion',
  'chat_completion',
  'chat',
];
export const EMBEDDING_CALL_TYPES: readonly string[] = ['embedding', 'aembedding', 'embeddings'];

const cacheParamsSchema = z.object({
  type: z.enum(CACHE_TYPES).optional(),
  /** Seconds. */
  ttl: positiveNumber.optional(),
  similarity_threshold: z
    .preprocess(
      numberFromString,
      z.number().min(0, { error: 'must be between 0 and 1' }).max(1, {
        error: 'must be between 0 and 1',
      }),
    )
    .optional(),
  host: z.string().optional(),
  port: z
    .preprocess(
      numberFromString,
      z.number().int().min(1, { error: 'must be a port number' }).max(65535, {
        error: 'must be a port number',
      }),
    )
    .optional(),
  password: z.string().optional(),
  /** `redis://...`; overrides host/port/password (REDIS_URL, else 127.0.0.1:6379, by default). */
  url: z.string().optional(),
  /** Prefix of the cache's Redis keys. */
  namespace: z.string().optional(),
  /** Who shares cached answers: everyone, a team (default), or one key. */
  scope: z.enum(['global', 'team', 'key']).optional(),
  /** The model group that embeds prompts for the semantic caches. */
  embedding_model: z.string().optional(),
  /** Memory bound of the `local` cache, in megabytes. */
  max_size_mb: positiveNumber.optional(),
  /** Whether keys may send cache controls (a key's metadata `cache_controls` overrides it). */
  allow_client_controls: booleanLike.optional(),
  /** Identical requests that may wait for one in flight; 0 turns coalescing off. */
  coalesce_max_waiters: nonNegativeInteger.optional(),
  /** LiteLLM: `default_on` caches every request, `default_off` only those asking for it. */
  mode: z.enum(['default_on', 'default_off']).optional(),
  /** LiteLLM call types to cache: chat (`completion`, `acompletion`) and `embedding`, `aembedding`. */
  supported_call_types: z.array(z.string()).optional(),
  /** Whether cache hits take a request from rate limits (default true). */
  hits_count_for_rate_limits: booleanLike.optional(),
});

// LiteLLM also accepts the fallback keys and num_retries here (module-level settings);
// router_settings wins when both set them.
export const litellmSettingsSchema = fallbackSettingsSchema.extend({
  drop_params: booleanLike.optional(),
  cache: booleanLike.optional(),
  cache_params: cacheParamsSchema.optional(),
  /** Seconds; the global default request timeout. */
  request_timeout: positiveNumber.optional(),
  num_retries: nonNegativeInteger.optional(),
});

export const generalSettingsSchema = z.object({
  master_key: z.string().min(1, { error: 'must not be empty' }).optional(),
  /** A SQLite path (later also a postgres:// URL). */
  database_url: z.string().min(1, { error: 'must not be empty' }).optional(),
  /** LiteLLM's name for the request body limit, in megabytes. */
  max_request_size_mb: positiveNumber.optional(),
  /** LiteLLM's switch: write no spend rows (budgets and limits still apply in memory). */
  disable_spend_logs: booleanLike.optional(),
  /** Output tokens reserved against budgets for a request that sets no max_tokens. */
  budget_reservation_max_tokens: positiveInteger.optional(),
  /** Budget alerts (soft budget, exhausted, key expiring) are also POSTed here as JSON. */
  alert_webhook_url: httpUrl.optional(),
  /** `key_expiring` fires when a key expires within this duration (`7d`, `24h`...). */
  key_expiry_alert_window: z
    .string()
    .regex(/^\d+[smhd]$/, { error: 'expected a duration such as 24h or 7d' })
    .optional(),
});

/** The whole file. Sections may be empty (`router_settings:` with nothing under it is null). */
export const configSchema = z.object({
  model_list: z.array(modelListEntrySchema).nullish(),
  router_settings: routerSettingsSchema.nullish(),
  litellm_settings: litellmSettingsSchema.nullish(),
  general_settings: generalSettingsSchema.nullish(),
});

export type LitellmParams = z.output<typeof litellmParamsSchema>;
export type ModelInfo = z.output<typeof modelInfoSchema>;
export type ModelListEntry = z.output<typeof modelListEntrySchema>;
export type RouterSettingsInput = z.output<typeof routerSettingsSchema>;
export type LitellmSettingsInput = z.output<typeof litellmSettingsSchema>;
export type GeneralSettingsInput = z.output<typeof generalSettingsSchema>;
