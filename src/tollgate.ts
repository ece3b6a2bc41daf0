import type { z } from 'zod';
import { createAdapterLookup } from './adapters/registry.js';
import { credentialHash, matchesStoredHash } from './auth/credential-hash.js';
import { resolveMasterKey } from './auth/master-key.js';
import type { ChatChunk } from './core/chat-chunk.js';
import { chatRequestSchema, type ChatRequest } from './core/chat-request.js';
import type { ChatResponse } from './core/chat-response.js';
import type { ChatStream } from './core/chat-stream.js';
import {
  embeddingRequestSchema,
  type EmbeddingRequest,
  type EmbeddingResponse,
} from './core/embeddings.js';
import { GatewayError } from './core/errors.js';
import { firstIssueParam, formatZodIssues } from './core/json.js';
import { consoleLogger, type Logger } from './core/logger.js';
import { ModelCatalog } from './core/model-catalog.js';
import { Pipeline } from './core/pipeline.js';
import { LIBRARY_PRINCIPAL, MASTER_PRINCIPAL } from './core/principal.js';
import { RequestContext, type RequestKind } from './core/request-context.js';
import {
  GatewayRouter,
  type DeploymentHealthView,
  type RouterTuning,
  type TokenRates,
} from './core/router/index.js';
import { UpstreamPools } from './core/upstream-http.js';
import type { LoadedConfig } from './config/loaded-config.js';
import { discoverConfig, loadConfigFile, parseConfig } from './config/index.js';
import { openDatabase, type DatabaseHandle } from './db/client.js';
import { AlertBus } from './accounting/alert-bus.js';
import { forwardAlertsToWebhook } from './accounting/alert-webhook.js';
import { parseBudgetDuration } from './accounting/budget-duration.js';
import { BudgetLedger } from './accounting/budget-ledger.js';
import { watchKeyExpiry } from './accounting/expiry-watch.js';
import { installAccounting } from './accounting/install-accounting.js';
import { createSpendWriter, type SpendWriter } from './accounting/spend-writer.js';
import { KeyService } from './keys/key-service.js';
import { MemoryRateLimiter } from './policy/memory-rate-limiter.js';
import { createPriceBook } from './pricing/index.js';
import { CachingRouter } from './cache/caching-router.js';
import { createResponseCache } from './cache/create-response-cache.js';
import { embedWithCatalog } from './cache/embed-with-catalog.js';
import { installCache } from './cache/install-cache.js';
import type { ResponseCache } from './cache/response-cache.js';
import type { CacheHealth } from './cache/cache.js';
import { NANOS_PER_USD } from './pricing/pricing.js';
import type { DeploymentPricing, PriceBook } from './pricing/pricing.js';
import { NEVER_CANCELLED, type CancelSignal } from './core/cancellation.js';

export interface TollgateOptions {
  /**
   * A LiteLLM-style config: a YAML file path, or the same structure as an object. Without one,
   * models are discovered from the environment (SPEC §1).
   */
  readonly config?: string | Record<string, unknown> | undefined;
  /** An already loaded config (the CLI loads it first to report errors before anything starts). */
  readonly loadedConfig?: LoadedConfig | undefined;
  /** Environment for `os.environ/NAME` and discovery; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** SQLite path or URL; defaults to the config's `database_url`, else in-memory (library mode). */
  readonly database?: string | undefined;
  /** The admin key; overrides `general_settings.master_key`. */
  readonly masterKey?: string | undefined;
  /** Generate and store a master key when none exists (what the server does on first start). */
  readonly generateMasterKey?: boolean | undefined;
  readonly logger?: Logger | undefined;
  /** The clock for budgets, key expiry, rate limits and cooldowns (tests control time with it). */
  readonly now?: (() => number) | undefined;
  /** Router backoff, waits and sampling (tests shorten them); `router_settings` set the rest. */
  readonly routerTuning?: Partial<RouterTuning> | undefined;
}

/** Reserved output tokens for a request without max_tokens, unless configured. */
export const DEFAULT_RESERVATION_OUTPUT_TOKENS = 4096;
const DEFAULT_EXPIRY_ALERT_WINDOW_MS = 7 * 86_400_000;

/** Per-call options of the library API. */
export interface LibraryCallOptions {
  readonly signal?: AbortSignal | undefined;
  /** A gateway key to act as; without one, in-process calls are trusted. */
  readonly apiKey?: string | undefined;
}

/** Readiness of the gateway's dependencies (GET /health/readiness). */
export interface Readiness {
  readonly ready: boolean;
  readonly database: 'ok' | 'unavailable';
  readonly deployments: number;
  /** The response cache, when on; a degraded cache serves misses and does not make it unready. */
  readonly cache?: CacheHealth | undefined;
  /**
   * Deployments out of rotation after failures, and until when (ISO time). They do not make the
   * gateway unready: the others, and the fallbacks, still serve.
   */
  readonly coolingDown: ReadonlyArray<{
    readonly id: string;
    readonly modelGroup: string;
    readonly until: string;
    readonly reason: string | undefined;
  }>;
}

export type ChatRequestInput = z.input<typeof chatRequestSchema>;
export type EmbeddingRequestInput = z.input<typeof embeddingRequestSchema>;

/**
 * Tollgate in-process: the same core the server uses, for LiteLLM-style `completion()` use.
 * The HTTP server is a thin shell over this object.
 */
export class Tollgate {
  readonly config: LoadedConfig;
  readonly catalog: ModelCatalog;
  readonly pipeline: Pipeline;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  /** The master key, when it was generated by this start: print once, then drop. */
  readonly generatedMasterKey: string | undefined;
  /** Virtual keys and teams. */
  readonly keys: KeyService;
  /** Budgets of keys and teams (live counters). */
  readonly ledger: BudgetLedger;
  /** Budget alerts: soft budget reached, budget exhausted, key expiring. */
  readonly alerts: AlertBus;
  readonly prices: PriceBook;
  /** The spend log writer (flush it to read rows just written). */
  readonly spendWriter: SpendWriter;
  /** Strategies, retries, fallbacks and cooldowns; its health registry backs readiness. */
  readonly router: GatewayRouter;
  /** The response cache (`litellm_settings.cache`), if on. */
  readonly cache: ResponseCache | undefined;
  private readonly pools: UpstreamPools;
  private readonly stopWatching: Array<() => void> = [];
  private closed = false;

  private constructor(init: {
    config: LoadedConfig;
    database: DatabaseHandle;
    logger: Logger;
    masterKey: { hash: string | undefined; generated: string | undefined };
    now: () => number;
    routerTuning: Partial<RouterTuning> | undefined;
    env: NodeJS.ProcessEnv;
  }) {
    this.config = init.config;
    this.database = init.database;
    this.logger = init.logger;
    this.generatedMasterKey = init.masterKey.generated;
    this.pools = new UpstreamPools();
    this.catalog = new ModelCatalog({
      deployments: init.config.deployments,
      adapterFor: createAdapterLookup(this.pools),
      createdAt: Math.floor(Date.now() / 1000),
    });
    // One limiter for keys, teams and deployments (`deployment:<id>` subjects).
    const limiter = new MemoryRateLimiter({ now: init.now });
    this.router = new GatewayRouter({
      policy: init.config.routerSettings,
      resolveGroup: (name) => this.catalog.resolve(name),
      limiter,
      // Read at routing time: the price book is built below.
      rates: (deployment) => tokenRates(this.prices.pricingFor(deployment)),
      tuning: { now: init.now, ...init.routerTuning },
    });
    this.cache = init.config.litellmSettings.cache
      ? createResponseCache({
          params: init.config.litellmSettings.cacheParams,
          env: init.env,
          logger: init.logger,
          now: init.now,
          // Read at lookup time: prices and keys are built below.
          costUsd: (deployment, usage) =>
            this.prices.pricingFor(deployment).costNanos(usage) / NANOS_PER_USD,
          keyAllowsControls: (keyId) => {
            const allowed = this.keys.directory.keyById(keyId)?.metadata?.cache_controls;
            return typeof allowed === 'boolean' ? allowed : undefined;
          },
          embed: embedWithCatalog(this.catalog),
          database: init.database.db,
        })
      : undefined;
    this.pipeline = new Pipeline({
      catalog: this.catalog,
      router: this.cache === undefined ? this.router : new CachingRouter(this.router, this.cache),
      logger: init.logger,
      dropParams: init.config.litellmSettings.dropParams,
      cacheHitsCountForRateLimits: this.cache?.settings.hitsCountForRateLimits,
    });
    if (init.masterKey.hash !== undefined) {
      const masterHash = Buffer.from(init.masterKey.hash, 'hex');
      this.pipeline.use('authenticate', (ctx) =>
        matchesStoredHash(credentialHash(ctx), masterHash) ? MASTER_PRINCIPAL : undefined,
      );
    }
    this.alerts = new AlertBus((error) =>
      init.logger.error('alert listener failed', { error: String(error) }),
    );
    this.ledger = new BudgetLedger({ alerts: this.alerts, now: init.now });
    this.keys = new KeyService({ db: init.database.db, ledger: this.ledger, now: init.now });
    this.prices = createPriceBook({ logger: init.logger });
    this.spendWriter = createSpendWriter(init.database, init.logger);
    const general = init.config.generalSettings;
    installAccounting(this.pipeline, {
      keys: this.keys,
      ledger: this.ledger,
      prices: this.prices,
      limiter,
      writer: this.spendWriter,
      logger: init.logger,
      reservationOutputTokens:
        general.budgetReservationMaxTokens ?? DEFAULT_RESERVATION_OUTPUT_TOKENS,
      disableSpendLogs: general.disableSpendLogs,
    });
    if (this.cache !== undefined) installCache(this.pipeline, this.cache);
    if (general.alertWebhookUrl !== undefined) {
      this.stopWatching.push(
        forwardAlertsToWebhook(this.alerts, { url: general.alertWebhookUrl, logger: init.logger }),
      );
    }
    const expiry = watchKeyExpiry(
      { directory: this.keys.directory, alerts: this.alerts, now: init.now },
      {
        windowMs:
          parseBudgetDuration(general.keyExpiryAlertWindow ?? '') ?? DEFAULT_EXPIRY_ALERT_WINDOW_MS,
        intervalMs: 60_000,
      },
    );
    this.stopWatching.push(() => expiry.stop());
  }

  /** Loads configuration, opens the database, resolves the master key. */
  static create(options: TollgateOptions = {}): Tollgate {
    const env = options.env ?? process.env;
    const config = options.loadedConfig ?? loadConfiguration(options.config, env);
    const database = openDatabase(
      options.database ?? config.generalSettings.databaseUrl ?? ':memory:',
    );
    try {
      const masterKey = resolveMasterKey(database.db, {
        configured: options.masterKey ?? config.generalSettings.masterKey,
        generate: options.generateMasterKey ?? false,
      });
      return new Tollgate({
        config,
        database,
        logger: options.logger ?? consoleLogger,
        masterKey,
        now: options.now ?? Date.now,
        routerTuning: options.routerTuning,
        env,
      });
    } catch (error) {
      database.close();
      throw error;
    }
  }

  /** A request context for one call; transports pass the presented key and their abort signal. */
  createContext(init: {
    kind: RequestKind;
    credential: string | undefined;
    signal: CancelSignal;
    receivedAt?: number;
  }): RequestContext {
    return new RequestContext(init);
  }

  /** One chat completion (library mode). Throws GatewayError. */
  async chat(request: ChatRequestInput, options: LibraryCallOptions = {}): Promise<ChatResponse> {
    const ctx = this.libraryContext('chat', options);
    return this.pipeline.chat(ctx, parseChatRequest({ ...request, stream: false }));
  }

  /** A streamed chat completion (library mode): `for await (const chunk of tollgate.stream(...))`. */
  async *stream(
    request: ChatRequestInput,
    options: LibraryCallOptions = {},
  ): AsyncGenerator<ChatChunk> {
    const stream = await this.openStream(request, options);
    yield* stream;
  }

  /** Starts a stream and resolves when its first chunk is in hand (failures before it reject). */
  openStream(request: ChatRequestInput, options: LibraryCallOptions = {}): Promise<ChatStream> {
    const ctx = this.libraryContext('chat', options);
    return this.pipeline.stream(ctx, parseChatRequest({ ...request, stream: true }));
  }

  /** Embeddings (library mode). */
  async embed(
    request: EmbeddingRequestInput,
    options: LibraryCallOptions = {},
  ): Promise<EmbeddingResponse> {
    const ctx = this.libraryContext('embeddings', options);
    return this.pipeline.embed(ctx, parseEmbeddingRequest(request));
  }

  /**
   * Resolves when every request finished so far has its spend row in the database. The log stage
   * runs one macrotask after a response (so it never delays it): wait for that, then flush.
   */
  async flushSpend(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.spendWriter.flush();
  }

  /**
   * Every deployment built so far with its live health: cooldown, in flight, latency averages,
   * recent failures, usage this minute (for the GraphQL `deployments` query).
   */
  deploymentHealth(): DeploymentHealthView[] {
    return this.router.snapshot(this.catalog.handles());
  }

  readiness(): Readiness {
    const database = this.database.ping() ? 'ok' : 'unavailable';
    const health = this.deploymentHealth();
    return {
      ready: database === 'ok' && !this.closed,
      database,
      deployments: health.length,
      cache: this.cache?.health(),
      coolingDown: health
        .filter((deployment) => deployment.coolingDownUntil !== undefined)
        .map((deployment) => ({
          id: deployment.id,
          modelGroup: deployment.modelGroup,
          until: new Date(deployment.coolingDownUntil ?? 0).toISOString(),
          reason: deployment.cooldownReason,
        })),
    };
  }

  /** Closes upstream pools and the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stopWatching) stop();
    await this.catalog.close();
    await this.pools.close();
    await this.cache?.close();
    // Every accepted request's row is written before the database closes (SPEC §1 shutdown):
    // the log stage runs one macrotask after a request settles, so let it run first.
    await new Promise((resolve) => setImmediate(resolve));
    await this.spendWriter.close();
    this.database.close();
  }

  private libraryContext(kind: RequestKind, options: LibraryCallOptions): RequestContext {
    return new RequestContext({
      kind,
      credential: options.apiKey,
      signal: options.signal ?? NEVER_CANCELLED,
      principal: options.apiKey === undefined ? LIBRARY_PRINCIPAL : undefined,
    });
  }
}

function loadConfiguration(
  config: TollgateOptions['config'],
  env: NodeJS.ProcessEnv,
): LoadedConfig {
  if (config === undefined) return discoverConfig(env);
  if (typeof config === 'string') return loadConfigFile(config, env);
  return parseConfig(config, { source: undefined, env });
}

/** Nano-USD per token from a deployment's prices, for cost-based routing; undefined when unknown. */
function tokenRates(pricing: DeploymentPricing): TokenRates | undefined {
  if (!pricing.known) return undefined;
  const tokens = 1_000_000;
  return {
    inputNanosPerToken: pricing.maxCostNanos({ promptBytes: tokens, maxOutputTokens: 0 }) / tokens,
    outputNanosPerToken: pricing.maxCostNanos({ promptBytes: 0, maxOutputTokens: tokens }) / tokens,
  };
}

/** Validates a chat request body; a failure is a 400 naming the field. */
export function parseChatRequest(body: unknown): ChatRequest {
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new GatewayError(
      'invalid_request',
      `Invalid request: ${formatZodIssues(parsed.error.issues)}`,
      {
        param: firstIssueParam(parsed.error.issues),
      },
    );
  }
  return parsed.data;
}

/** Validates an embeddings request body. */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  const parsed = embeddingRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new GatewayError(
      'invalid_request',
      `Invalid request: ${formatZodIssues(parsed.error.issues)}`,
      {
        param: firstIssueParam(parsed.error.issues),
      },
    );
  }
  return parsed.data;
}

/** Creates an in-process gateway (library mode). */
export function createTollgate(options: TollgateOptions = {}): Tollgate {
  return Tollgate.create(options);
}
