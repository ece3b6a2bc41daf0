import type { ResolvedDeployment } from '../core/deployment.js';
import type { Logger } from '../core/logger.js';
import type { Principal } from '../core/principal.js';
import type { Usage } from '../core/usage.js';
import type { TollgateDb } from '../db/client.js';
import type { CacheStore } from './cache.js';
import { resolveCacheSettings, type CacheSettings } from './cache-settings.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';
import { RedisVectorIndex } from './redis-vector-index.js';
import { ResponseCache } from './response-cache.js';
import { normalize, type Embedder, type SemanticIndex } from './semantic-index.js';
import { SqliteVectorIndex } from './sqlite-vector-index.js';

export interface CreateResponseCacheDeps {
  /** `litellm_settings.cache_params`. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly now?: (() => number) | undefined;
  readonly costUsd: (deployment: ResolvedDeployment, usage: Usage) => number;
  /** Key metadata `cache_controls` of a virtual key, when it sets one. */
  readonly keyAllowsControls?: ((keyId: string) => boolean | undefined) | undefined;
  /** Embeds a text with a model group of this gateway (the semantic caches' embedding model). */
  readonly embed?: ((model: string, text: string) => Promise<readonly number[]>) | undefined;
  /** The gateway's database, where `sqlite-semantic` keeps its vectors and answers. */
  readonly database?: TollgateDb | undefined;
}

/** Builds the cache `litellm_settings.cache_params` describes. */
export function createResponseCache(deps: CreateResponseCacheDeps): ResponseCache {
  const settings = resolveCacheSettings(deps.params, deps.env);
  const store = createStore(settings, deps);
  return new ResponseCache({
    store,
    settings,
    semantic: createSemantic(settings, { deps, store }),
    logger: deps.logger,
    costUsd: deps.costUsd,
    controlsAllowed: (principal: Principal | undefined) => {
      const keyId = principal?.keyId;
      const fromKey = keyId === undefined ? undefined : deps.keyAllowsControls?.(keyId);
      return fromKey ?? settings.allowClientControls;
    },
    now: deps.now,
  });
}

function createStore(settings: CacheSettings, deps: CreateResponseCacheDeps): CacheStore {
  if (settings.type === 'redis' || settings.type === 'redis-semantic') {
    return new RedisCache({
      url: settings.redisUrl,
      keyPrefix: settings.namespace,
      logger: deps.logger,
    });
  }
  return new MemoryCache({ maxBytes: settings.maxBytes, now: deps.now });
}

function createSemantic(
  settings: CacheSettings,
  context: { deps: CreateResponseCacheDeps; store: CacheStore },
): { index: SemanticIndex; embed: Embedder } | undefined {
  if (settings.type !== 'redis-semantic' && settings.type !== 'sqlite-semantic') return undefined;
  const { deps } = context;
  const model = settings.embeddingModel;
  if (model === undefined || deps.embed === undefined) {
    throw new Error(
      `cache_params.type "${settings.type}" needs cache_params.embedding_model (a model group)`,
    );
  }
  const embedWith = deps.embed;
  const embed: Embedder = async (text) => normalize(await embedWith(model, text));
  return { index: createIndex(settings, context), embed };
}

function createIndex(
  settings: CacheSettings,
  context: { deps: CreateResponseCacheDeps; store: CacheStore },
): SemanticIndex {
  const { deps, store } = context;
  const similarityThreshold = settings.similarityThreshold;
  if (settings.type === 'sqlite-semantic') {
    if (deps.database === undefined) throw new Error('sqlite-semantic needs the database');
    return new SqliteVectorIndex({ db: deps.database, similarityThreshold, now: deps.now });
  }
  if (!(store instanceof RedisCache)) throw new Error('redis-semantic needs the Redis cache');
  // Redis expiry is wall-clock time, so the vectors' expiry is too (not the injected clock).
  return new RedisVectorIndex({ cache: store, similarityThreshold });
}
