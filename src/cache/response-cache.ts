import type { ChatRequest } from '../core/chat-request.js';
import type { ChatResponse } from '../core/chat-response.js';
import type { ResolvedDeployment } from '../core/deployment.js';
import type { Logger } from '../core/logger.js';
import type { ModelGroup } from '../core/model-catalog.js';
import type { Principal } from '../core/principal.js';
import type { RequestContext } from '../core/request-context.js';
import type { Usage } from '../core/usage.js';
import type { CacheHealth, CacheStore } from './cache.js';
import { decideCaching, type CacheDecision } from './cache-controls.js';
import { decodeEntry, encodeEntry, isChatResponse, type CacheEntry } from './cache-entry.js';
import { cacheKey, scopeTag, semanticPartition } from './cache-key.js';
import type { CacheSettings } from './cache-settings.js';
import { Coalescer } from './coalesce.js';
import { hasNonTextParts, promptText } from './prompt-text.js';
import type { Embedder, SemanticIndex } from './semantic-index.js';

export interface ResponseCacheDeps {
  readonly store: CacheStore;
  readonly settings: CacheSettings;
  /** Present for `redis-semantic` and `sqlite-semantic`. */
  readonly semantic?: { readonly index: SemanticIndex; readonly embed: Embedder } | undefined;
  readonly logger: Logger;
  /** What an answer with this usage costs at this deployment, in USD (the saved cost of a hit). */
  readonly costUsd: (deployment: ResolvedDeployment, usage: Usage) => number;
  /** Whether the caller may send cache controls (key metadata `cache_controls`, else config). */
  readonly controlsAllowed?: ((principal: Principal | undefined) => boolean) | undefined;
  readonly now?: (() => number) | undefined;
}

/** What the lookup learned, for the store after the provider answered. */
interface CacheState {
  readonly key: string;
  readonly decision: CacheDecision;
  readonly partition: string | undefined;
  /** The prompt's text for the embedding (semantic caches only). */
  readonly text: string | undefined;
  vector: Float32Array | undefined;
  similarity: number | undefined;
}

/** A leader's answer as its coalesced waiters receive it. */
interface SharedAnswer {
  readonly response: unknown;
  readonly deployment: ResolvedDeployment | undefined;
}

const STATE = Symbol('response-cache');

/** The similarity of a semantic hit, for the `x-tollgate-cache-similarity` header. */
export function cacheSimilarityOf(ctx: RequestContext): number | undefined {
  return (ctx.state.get(STATE) as CacheState | undefined)?.similarity;
}

/**
 * The response cache's behaviour for non-streaming chat: key, lookup (exact, then semantic),
 * coalescing of identical in-flight requests, and the store after a successful answer.
 */
export class ResponseCache {
  readonly settings: CacheSettings;
  private readonly deps: ResponseCacheDeps;
  private readonly coalescer: Coalescer<SharedAnswer>;
  private readonly now: () => number;

  constructor(deps: ResponseCacheDeps) {
    this.deps = deps;
    this.settings = deps.settings;
    this.coalescer = new Coalescer(deps.settings.coalesceMaxWaiters);
    this.now = deps.now ?? Date.now;
  }

  /** The cacheLookup stage: a stored answer, or undefined (then the state for the store is set). */
  async lookup(ctx: RequestContext, request: ChatRequest): Promise<ChatResponse | undefined> {
    const group = ctx.group;
    if (!this.settings.cachesChat || group === undefined) return undefined;
    const allowed = this.deps.controlsAllowed?.(ctx.principal) ?? this.settings.allowClientControls;
    const decision = decideCaching(this.settings, { controls: request.cache, ctx }, allowed);
    if (!decision.lookup && !decision.store) return undefined;
    const input = {
      request,
      group: group.name,
      scope: scopeTag(this.settings.scope, ctx.principal),
      namespace: decision.namespace,
    };
    const semantic = this.deps.semantic !== undefined && !hasNonTextParts(request);
    const state: CacheState = {
      key: cacheKey(input),
      decision,
      partition: semantic ? semanticPartition(input) : undefined,
      text: semantic ? promptText(request) : undefined,
      vector: undefined,
      similarity: undefined,
    };
    ctx.state.set(STATE, state);
    ctx.cacheStatus = 'miss';
    if (!decision.lookup) return undefined;
    const exact = this.fresh(await this.deps.store.get(state.key), decision);
    if (exact !== undefined) return this.serve(ctx, { entry: exact, group, status: 'hit' });
    return this.lookupSemantic(ctx, { state, group });
  }

  /**
   * Wraps the provider call of a request the lookup missed: waits for an identical request in
   * flight instead of calling, or calls and stores the answer.
   */
  async callThrough<T>(ctx: RequestContext, call: () => Promise<T>): Promise<T> {
    const state = ctx.state.get(STATE) as CacheState | undefined;
    // Streams are neither coalesced nor stored here: their answer is a stream, not a response.
    if (state === undefined || ctx.streaming) return call();
    if (state.decision.lookup) {
      const waiting = this.coalescer.join(state.key);
      const shared = waiting === undefined ? undefined : await settled(waiting);
      if (shared !== undefined && isChatResponse(shared.response) && ctx.group !== undefined) {
        const entry = {
          response: shared.response,
          deploymentId: shared.deployment?.id,
          storedAt: this.now(),
        };
        // The waiter receives exactly what the leader's provider call returned, typed T there.
        return this.serve(ctx, { entry, group: ctx.group, status: 'hit' }) as T;
      }
    }
    const work = async (): Promise<SharedAnswer> => ({
      response: await call(),
      deployment: ctx.deployment,
    });
    const answer = state.decision.lookup
      ? await this.coalescer.lead(state.key, work)
      : await work();
    if (state.decision.store && isChatResponse(answer.response)) {
      await this.store(state, {
        response: answer.response,
        deploymentId: ctx.deployment?.id,
        storedAt: this.now(),
      });
    }
    return answer.response as T;
  }

  health(): CacheHealth {
    return this.deps.store.health();
  }

  async close(): Promise<void> {
    await this.deps.semantic?.index.close();
    await this.deps.store.close();
  }

  private async lookupSemantic(
    ctx: RequestContext,
    lookup: { state: CacheState; group: ModelGroup },
  ): Promise<ChatResponse | undefined> {
    const { state } = lookup;
    const semantic = this.deps.semantic;
    if (semantic === undefined || state.partition === undefined || state.text === undefined) {
      return undefined;
    }
    try {
      state.vector = await semantic.embed(state.text);
      const match = await semantic.index.nearest(state.partition, state.vector);
      if (match === undefined || match.similarity < this.settings.similarityThreshold)
        return undefined;
      const entry = this.fresh(match.value, state.decision);
      if (entry === undefined) return undefined;
      state.similarity = match.similarity;
      return this.serve(ctx, { entry, group: lookup.group, status: 'semantic-hit' });
    } catch (error) {
      // No embedding, no semantic lookup: the request goes on as a miss.
      this.deps.logger.warn('semantic cache lookup failed', {
        requestId: ctx.requestId,
        error: String(error),
      });
      return undefined;
    }
  }

  private async store(state: CacheState, entry: CacheEntry): Promise<void> {
    const value = encodeEntry(entry);
    const ttlMs = state.decision.ttlMs;
    await this.deps.store.set(state.key, value, ttlMs);
    const semantic = this.deps.semantic;
    if (semantic === undefined || state.partition === undefined || state.text === undefined) return;
    try {
      // A `no-cache` request skipped the lookup, so its prompt was not embedded yet.
      state.vector ??= await semantic.embed(state.text);
      await semantic.index.add(state.partition, state.vector, { key: state.key, value, ttlMs });
    } catch (error) {
      this.deps.logger.warn('semantic cache store failed', { error: String(error) });
    }
  }

  private fresh(value: string | undefined, decision: CacheDecision): CacheEntry | undefined {
    if (value === undefined) return undefined;
    const entry = decodeEntry(value);
    if (entry === undefined) return undefined;
    if (decision.maxAgeMs !== undefined && this.now() - entry.storedAt > decision.maxAgeMs)
      return undefined;
    return entry;
  }

  /** A hit costs nothing; what it saved is priced at the deployment that produced it. */
  private serve(
    ctx: RequestContext,
    hit: { entry: CacheEntry; group: ModelGroup; status: 'hit' | 'semantic-hit' },
  ): ChatResponse {
    ctx.cacheStatus = hit.status;
    const { entry, group } = hit;
    const handle =
      group.deployments.find((candidate) => candidate.deployment.id === entry.deploymentId) ??
      group.deployments[0];
    const usage = entry.response.usage ?? undefined;
    ctx.costSavedUsd =
      handle === undefined || usage === undefined ? 0 : this.deps.costUsd(handle.deployment, usage);
    return entry.response;
  }
}

/** The answer of a promise, or undefined when it failed (the caller then does the work itself). */
async function settled<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch {
    return undefined;
  }
}
