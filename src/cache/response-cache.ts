import type { ChatChunk } from '../core/chat-chunk.js';
import type { ChatRequest } from '../core/chat-request.js';
import type { ChatResponse } from '../core/chat-response.js';
import { isChunkBatchIterator, type ChunkBatchIterator } from '../core/chunk-batches.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../core/embeddings.js';
import { replayAsStream } from '../core/replay-as-stream.js';
import type { ResolvedDeployment } from '../core/deployment.js';
import type { Logger } from '../core/logger.js';
import type { ModelGroup } from '../core/model-catalog.js';
import type { Principal } from '../core/principal.js';
import type { RequestContext } from '../core/request-context.js';
import type { Usage } from '../core/usage.js';
import type { CacheHealth, CacheStore } from './cache.js';
import { decideCaching, type CacheDecision } from './cache-controls.js';
import {
  decodeEmbeddingEntry,
  decodeEntry,
  encodeEntry,
  isChatResponse,
  isEmbeddingResponse,
  type CacheEntry,
  type EmbeddingCacheEntry,
} from './cache-entry.js';
import { cacheKey, embeddingCacheKey, scopeTag, semanticPartition } from './cache-key.js';
import type { CacheSettings } from './cache-settings.js';
import { Coalescer, type Flight } from './coalesce.js';
import { hasNonTextParts, promptText } from './prompt-text.js';
import type { Embedder, SemanticIndex } from './semantic-index.js';
import { StreamAnswer } from './stream-answer.js';
import type { CancelSignal } from '../core/cancellation.js';
import type { RateLimitGate } from '../core/pipeline.js';

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
  /** Which call type the key and the stored answers are of. */
  readonly kind: 'chat' | 'embedding';
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

/** A stream as the router's attempt returns it: the first chunk, and the rest to read. */
interface StreamStart {
  readonly first: ChatChunk;
  readonly rest: AsyncIterator<ChatChunk>;
}

const STATE = Symbol('response-cache');

/** The similarity of a semantic hit, for the `x-tollgate-cache-similarity` header. */
export function cacheSimilarityOf(ctx: RequestContext): number | undefined {
  return (ctx.state.get(STATE) as CacheState | undefined)?.similarity;
}

/**
 * The response cache's behaviour: key, lookup (exact, then semantic), coalescing of identical
 * in-flight requests, and the store after a successful answer. Chat answers are stored whether
 * they came as JSON or as a stream that completed; embeddings answers are cached exactly.
 */
/** The gate of a lookup made outside the pipeline (nothing to take). */
const NO_GATE: RateLimitGate = () => Promise.resolve();

export class ResponseCache {
  readonly settings: CacheSettings;
  private readonly deps: ResponseCacheDeps;
  private readonly coalescer: Coalescer<SharedAnswer>;
  /** Store writes in flight (see afterResponse()). */
  private readonly writes = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(deps: ResponseCacheDeps) {
    this.deps = deps;
    this.settings = deps.settings;
    this.coalescer = new Coalescer(deps.settings.coalesceMaxWaiters);
    this.now = deps.now ?? Date.now;
  }

  /**
   * The cacheLookup stage: a stored answer, or undefined (then the state for the store is set).
   * `gate` is called before the semantic lookup spends an embedding call (see RateLimitGate).
   */
  async lookup(
    ctx: RequestContext,
    request: ChatRequest,
    gate: RateLimitGate = NO_GATE,
  ): Promise<ChatResponse | undefined> {
    const group = ctx.group;
    if (!this.settings.cachesChat || group === undefined) return undefined;
    const decision = this.decide(ctx, request.cache);
    if (!decision.lookup && !decision.store) return undefined;
    const input = {
      request,
      group: group.name,
      scope: scopeTag(this.settings.scope, ctx.principal),
      namespace: decision.namespace,
    };
    const semantic = this.deps.semantic !== undefined && !hasNonTextParts(request);
    const state: CacheState = {
      kind: 'chat',
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
    return this.lookupSemantic(ctx, { state, group, gate });
  }

  /** The cacheLookup stage of an embeddings request (exact only). */
  async lookupEmbedding(
    ctx: RequestContext,
    request: EmbeddingRequest,
  ): Promise<EmbeddingResponse | undefined> {
    const group = ctx.group;
    if (!this.settings.cachesEmbeddings || group === undefined) return undefined;
    const decision = this.decide(ctx, request.cache);
    if (!decision.lookup && !decision.store) return undefined;
    const state: CacheState = {
      kind: 'embedding',
      key: embeddingCacheKey({
        request,
        group: group.name,
        scope: scopeTag(this.settings.scope, ctx.principal),
        namespace: decision.namespace,
      }),
      decision,
      partition: undefined,
      text: undefined,
      vector: undefined,
      similarity: undefined,
    };
    ctx.state.set(STATE, state);
    ctx.cacheStatus = 'miss';
    if (!decision.lookup) return undefined;
    const value = await this.deps.store.get(state.key);
    const entry = value === undefined ? undefined : decodeEmbeddingEntry(value);
    if (entry === undefined || this.tooOld(entry.storedAt, decision)) return undefined;
    return this.serveEmbedding(ctx, { entry, group });
  }

  /**
   * Wraps the provider call of a request the lookup missed: waits for an identical request in
   * flight instead of calling, or calls and stores the answer. A stream is stored when it has
   * completed, from its chunks.
   */
  async callThrough<T>(ctx: RequestContext, call: () => Promise<T>): Promise<T> {
    const state = ctx.state.get(STATE) as CacheState | undefined;
    if (state === undefined) return call();
    if (state.decision.lookup) {
      const waiting = this.coalescer.join(state.key);
      const shared = waiting === undefined ? undefined : await settled(waiting, ctx.signal);
      // The waiter receives what the leader's provider call returned, typed T there (a stream
      // waiter: the same answer replayed as a stream).
      const served = shared === undefined ? undefined : this.serveShared(ctx, state, shared);
      if (served !== undefined) return served as T;
      // A client gone while waiting leads nothing: its call fails fast on the aborted signal.
      if (ctx.signal.aborted) return call();
    }
    if (ctx.streaming) return this.callStream(ctx, state, call);
    const work = async (): Promise<SharedAnswer> => ({
      response: await call(),
      deployment: ctx.deployment,
    });
    const answer = state.decision.lookup
      ? await this.coalescer.lead(state.key, work)
      : await work();
    if (state.decision.store) {
      const entry = { deploymentId: ctx.deployment?.id, storedAt: this.now() };
      if (state.kind === 'chat' && isChatResponse(answer.response)) {
        const response = answer.response;
        this.afterResponse(ctx, () => this.store(state, { response, ...entry }));
      } else if (state.kind === 'embedding' && isEmbeddingResponse(answer.response)) {
        const value = encodeEntry({ response: answer.response, ...entry });
        this.afterResponse(ctx, () => this.deps.store.set(state.key, value, state.decision.ttlMs));
      }
    }
    return answer.response as T;
  }

  health(): CacheHealth {
    return this.deps.store.health();
  }

  async close(): Promise<void> {
    await Promise.all(this.writes);
    await this.deps.semantic?.index.close();
    await this.deps.store.close();
  }

  private decide(ctx: RequestContext, controls: ChatRequest['cache']): CacheDecision {
    const allowed = this.deps.controlsAllowed?.(ctx.principal) ?? this.settings.allowClientControls;
    return decideCaching(this.settings, { controls, ctx }, allowed);
  }

  /**
   * A streaming miss: leads the identical requests that arrive while it streams (they get its
   * answer once it has completed), passes every chunk on unchanged, and stores the assembled
   * answer only when the stream ended normally with every choice finished. A stream that failed,
   * was stopped by its client, or ended without a finish is neither stored nor shared.
   */
  private async callStream<T>(
    ctx: RequestContext,
    state: CacheState,
    call: () => Promise<T>,
  ): Promise<T> {
    const flight = state.decision.lookup ? this.coalescer.begin(state.key) : undefined;
    let opened: T;
    try {
      opened = await call();
    } catch (error) {
      flight?.fail();
      throw error;
    }
    if (!isStreamStart(opened) || state.kind !== 'chat' || (!state.decision.store && !flight)) {
      flight?.fail();
      return opened;
    }
    const answer = new StreamAnswer();
    answer.add(opened.first);
    const rest = observeStream(opened.rest, answer, (response) =>
      this.completeStream(ctx, { state, flight, response }),
    );
    return { ...opened, rest };
  }

  /** The end of a streaming miss: share and store its answer, or release its waiters. */
  private completeStream(
    ctx: RequestContext,
    end: {
      state: CacheState;
      flight: Flight<SharedAnswer> | undefined;
      response: ChatResponse | undefined;
    },
  ): void {
    const { state, flight, response } = end;
    if (response === undefined) {
      flight?.fail();
      return;
    }
    flight?.resolve({ response, deployment: ctx.deployment });
    if (!state.decision.store) return;
    const entry = { response, deploymentId: ctx.deployment?.id, storedAt: this.now() };
    this.afterResponse(ctx, () => this.store(state, entry));
  }

  /** A waiter's answer from its leader's, in the form its own request expects. */
  private serveShared(
    ctx: RequestContext,
    state: CacheState,
    shared: SharedAnswer,
  ): ChatResponse | EmbeddingResponse | StreamStart | undefined {
    const group = ctx.group;
    if (group === undefined) return undefined;
    const entry = { deploymentId: shared.deployment?.id, storedAt: this.now() };
    // Every waiter gets its own copy: transports write into the answer (a stream's usage.cost).
    const response = structuredClone(shared.response);
    if (state.kind === 'embedding') {
      return isEmbeddingResponse(response)
        ? this.serveEmbedding(ctx, { entry: { response, ...entry }, group })
        : undefined;
    }
    if (!isChatResponse(response)) return undefined;
    const served = this.serve(ctx, { entry: { response, ...entry }, group, status: 'hit' });
    return ctx.streaming ? replayStart(served) : served;
  }

  private async lookupSemantic(
    ctx: RequestContext,
    lookup: { state: CacheState; group: ModelGroup; gate: RateLimitGate },
  ): Promise<ChatResponse | undefined> {
    const { state } = lookup;
    const semantic = this.deps.semantic;
    if (semantic === undefined || state.partition === undefined || state.text === undefined) {
      return undefined;
    }
    // Embedding the prompt costs a provider call: a key over its rate limit is refused first
    // (outside the try below, which turns lookup failures into misses).
    await lookup.gate();
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

  /**
   * Stores an answer once the response carrying it has gone out: neither a Redis round trip nor
   * sqlite-semantic's synchronous insert holds up the answer (or the end of a stream). The write
   * starts in this turn's check phase (setImmediate), before the event loop reads the next
   * request, so an identical request sent after the answer arrived still finds it; close() waits
   * for writes in flight. A failed write only costs a later miss.
   */
  private afterResponse(ctx: RequestContext, write: () => Promise<void>): void {
    const pending = new Promise<void>((resolve) => setImmediate(resolve))
      .then(write)
      .catch((error: unknown) => {
        this.deps.logger.warn('cache store failed', {
          requestId: ctx.requestId,
          error: String(error),
        });
      });
    this.writes.add(pending);
    void pending.then(() => this.writes.delete(pending));
  }

  private fresh(value: string | undefined, decision: CacheDecision): CacheEntry | undefined {
    if (value === undefined) return undefined;
    const entry = decodeEntry(value);
    if (entry === undefined || this.tooOld(entry.storedAt, decision)) return undefined;
    return entry;
  }

  /** Older than the request's `s-maxage` allows. */
  private tooOld(storedAt: number, decision: CacheDecision): boolean {
    return decision.maxAgeMs !== undefined && this.now() - storedAt > decision.maxAgeMs;
  }

  /** A hit costs nothing; what it saved is priced at the deployment that produced it. */
  private serve(
    ctx: RequestContext,
    hit: { entry: CacheEntry; group: ModelGroup; status: 'hit' | 'semantic-hit' },
  ): ChatResponse {
    ctx.cacheStatus = hit.status;
    const { entry } = hit;
    ctx.costSavedUsd = this.savedUsd(hit.group, entry.deploymentId, entry.response.usage);
    return entry.response;
  }

  private serveEmbedding(
    ctx: RequestContext,
    hit: { entry: EmbeddingCacheEntry; group: ModelGroup },
  ): EmbeddingResponse {
    ctx.cacheStatus = 'hit';
    const { response, deploymentId } = hit.entry;
    const usage = {
      prompt_tokens: response.usage.prompt_tokens,
      completion_tokens: 0,
      total_tokens: response.usage.total_tokens,
    };
    ctx.costSavedUsd = this.savedUsd(hit.group, deploymentId, usage);
    return response;
  }

  private savedUsd(
    group: ModelGroup,
    deploymentId: string | null | undefined,
    usage: Usage | null | undefined,
  ): number {
    const handle =
      group.deployments.find((candidate) => candidate.deployment.id === deploymentId) ??
      group.deployments[0];
    return handle === undefined || usage == null ? 0 : this.deps.costUsd(handle.deployment, usage);
  }
}

/**
 * The answer of a promise, or undefined when it failed or the waiting client went away (the
 * caller then does the work itself, or fails fast on its aborted signal).
 */
async function settled<T>(promise: Promise<T>, signal: CancelSignal): Promise<T | undefined> {
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } catch {
    return undefined;
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

function isStreamStart(value: unknown): value is StreamStart {
  if (typeof value !== 'object' || value === null) return false;
  const { first, rest } = value as { first?: unknown; rest?: unknown };
  return (
    typeof first === 'object' &&
    first !== null &&
    (first as { object?: unknown }).object === 'chat.completion.chunk' &&
    typeof rest === 'object' &&
    rest !== null &&
    typeof (rest as { next?: unknown }).next === 'function'
  );
}

/** A stored answer as the start of a stream, for a streaming waiter. */
function replayStart(response: ChatResponse): StreamStart | undefined {
  const chunks = replayAsStream(response);
  const first = chunks.next();
  if (first.done === true) return undefined;
  return {
    first: first.value,
    rest: {
      next: () => Promise.resolve(chunks.next()),
      return: () => Promise.resolve({ done: true, value: undefined }),
    },
  };
}

/**
 * Passes a stream's chunks on unchanged while `answer` collects them; calls `end` once, with
 * the assembled answer when the stream ended normally, with undefined when it failed or its
 * consumer stopped early. `end` runs before the consumer sees the stream's end (and stores the
 * answer right after that turn), so an identical request sent after it finds it stored. A stream that
 * hands over whole upstream reads (chunk-batches.ts) still does through the cache.
 */
function observeStream(
  rest: AsyncIterator<ChatChunk>,
  answer: StreamAnswer,
  end: (response: ChatResponse | undefined) => void,
): AsyncIterator<ChatChunk> {
  let ended = false;
  const finish = (response: ChatResponse | undefined): void => {
    if (ended) return;
    ended = true;
    end(response);
  };
  const observed: AsyncIterator<ChatChunk> = {
    async next() {
      let result: IteratorResult<ChatChunk>;
      try {
        result = await rest.next();
      } catch (error) {
        finish(undefined);
        throw error;
      }
      if (result.done === true) finish(answer.response());
      else answer.add(result.value);
      return result;
    },
    async return(value?: unknown) {
      finish(undefined);
      return rest.return === undefined ? { done: true, value: undefined } : rest.return(value);
    },
  };
  if (!isChunkBatchIterator(rest)) return observed;
  const batches: ChunkBatchIterator = {
    next: () => observed.next(),
    return: (value?: unknown) =>
      observed.return === undefined
        ? Promise.resolve({ done: true, value: undefined })
        : observed.return(value),
    takeBuffered() {
      const chunks = rest.takeBuffered();
      for (const chunk of chunks) answer.add(chunk);
      return chunks;
    },
    async nextBatch() {
      let batch: ChatChunk[] | undefined;
      try {
        batch = await rest.nextBatch();
      } catch (error) {
        finish(undefined);
        throw error;
      }
      if (batch === undefined) {
        finish(answer.response());
        return undefined;
      }
      for (const chunk of batch) answer.add(chunk);
      return batch;
    },
  };
  return batches;
}
