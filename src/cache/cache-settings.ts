import { z } from 'zod';
import { CACHE_TYPES, CHAT_CALL_TYPES, EMBEDDING_CALL_TYPES } from '../config/config-schema.js';
import { CACHE_SCOPES, type CacheScope } from './cache-key.js';

export type CacheType = (typeof CACHE_TYPES)[number];

/** `cache_params` as the cache reads it (config-schema.ts has already validated the file). */
const cacheParamsSchema = z.object({
  type: z.enum(CACHE_TYPES).optional(),
  ttl: z.number().positive().optional(),
  similarity_threshold: z.number().min(0).max(1).optional(),
  host: z.string().optional(),
  port: z.number().int().optional(),
  password: z.string().optional(),
  url: z.string().optional(),
  namespace: z.string().optional(),
  scope: z.enum(CACHE_SCOPES).optional(),
  mode: z.enum(['default_on', 'default_off']).optional(),
  supported_call_types: z.array(z.string()).optional(),
  embedding_model: z.string().optional(),
  max_size_mb: z.number().positive().optional(),
  allow_client_controls: z.boolean().optional(),
  coalesce_max_waiters: z.number().int().nonnegative().optional(),
  hits_count_for_rate_limits: z.boolean().optional(),
});

export interface CacheSettings {
  readonly type: CacheType;
  /** Milliseconds an entry lives unless the request sets `cache.ttl`. */
  readonly ttlMs: number;
  readonly similarityThreshold: number;
  readonly redisUrl: string;
  /** Key prefix in Redis (`tollgate:cache:` unless configured). */
  readonly namespace: string;
  readonly scope: CacheScope;
  /** `default_off`: only requests that ask for the cache use it. */
  readonly mode: 'default_on' | 'default_off';
  /** `supported_call_types` (all of them by default, as in LiteLLM) names a chat call type. */
  readonly cachesChat: boolean;
  /** `supported_call_types` names `embedding` or `aembedding`. */
  readonly cachesEmbeddings: boolean;
  /** The model group that embeds prompts for the semantic caches. */
  readonly embeddingModel: string | undefined;
  readonly maxBytes: number;
  /** Whether keys may send cache controls unless their metadata says otherwise. */
  readonly allowClientControls: boolean;
  /** Identical requests that may wait for one in flight; 0 turns coalescing off. */
  readonly coalesceMaxWaiters: number;
  /**
   * Whether a cache hit takes a request from the caller's rate limits (rpm, tpm, parallel), as a
   * miss does. When false, the lookup runs before the rate limit and only misses are counted.
   */
  readonly hitsCountForRateLimits: boolean;
}

export const DEFAULT_CACHE_TTL_SECONDS = 600;
export const DEFAULT_SIMILARITY_THRESHOLD = 0.95;
const DEFAULT_MAX_SIZE_MB = 64;

/** Reads `cache_params` (an already validated record) into typed settings with defaults. */
export function resolveCacheSettings(
  params: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): CacheSettings {
  const parsed = cacheParamsSchema.parse(params);
  return {
    type: parsed.type ?? 'local',
    ttlMs: (parsed.ttl ?? DEFAULT_CACHE_TTL_SECONDS) * 1000,
    similarityThreshold: parsed.similarity_threshold ?? DEFAULT_SIMILARITY_THRESHOLD,
    redisUrl: redisUrl(parsed, env),
    namespace: parsed.namespace ?? 'tollgate:cache:',
    scope: parsed.scope ?? 'team',
    mode: parsed.mode ?? 'default_on',
    cachesChat: supports(parsed.supported_call_types, CHAT_CALL_TYPES),
    cachesEmbeddings: supports(parsed.supported_call_types, EMBEDDING_CALL_TYPES),
    embeddingModel: parsed.embedding_model,
    maxBytes: (parsed.max_size_mb ?? DEFAULT_MAX_SIZE_MB) * 1024 * 1024,
    allowClientControls: parsed.allow_client_controls ?? true,
    coalesceMaxWaiters: parsed.coalesce_max_waiters ?? 100,
    hitsCountForRateLimits: parsed.hits_count_for_rate_limits ?? true,
  };
}

/** Every call type is cached unless `supported_call_types` lists some. */
function supports(configured: readonly string[] | undefined, names: readonly string[]): boolean {
  return configured === undefined || configured.some((type) => names.includes(type));
}

function redisUrl(parsed: z.output<typeof cacheParamsSchema>, env: NodeJS.ProcessEnv): string {
  if (parsed.url !== undefined) return parsed.url;
  if (parsed.host !== undefined) {
    const auth = parsed.password === undefined ? '' : `:${encodeURIComponent(parsed.password)}@`;
    return `redis://${auth}${parsed.host}:${parsed.port ?? 6379}`;
  }
  return env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}
