import type { CallOptions } from './adapter.js';
import type { ChatChunk } from './chat-chunk.js';
import type { ChatRequest } from './chat-request.js';
import type { ChatResponse } from './chat-response.js';
import { ChatStream } from './chat-stream.js';
import { replayAsStream } from './replay-as-stream.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embeddings.js';
import { GatewayError, toGatewayError } from './errors.js';
import { chatMaxOutputTokens, chatPromptBytes, embeddingPromptBytes } from './prompt-bound.js';
import type { Logger } from './logger.js';
import type { DeploymentHandle, ModelCatalog, ModelGroup } from './model-catalog.js';
import type { Principal } from './principal.js';
import type { RequestContext, RequestStatus } from './request-context.js';
import type { Router } from './router.js';
import type { Usage } from './usage.js';

/**
 * The request pipeline. Its order is fixed; later features fill the named hook points rather
 * than reorder it:
 *
 *   authenticate → modelAccess → rateLimit → cacheLookup → budgetReservation
 *   → routeAndCall (attempts, retries, fallbacks) → settleCost → respond → log
 *
 * `routeAndCall` is the router; `respond` is the transport writing the answer; `log` runs after
 * the answer has gone out (for streams: after the stream ended), exactly once per request.
 * With `cacheHitsCountForRateLimits: false`, cacheLookup runs before rateLimit and a hit skips
 * it (only misses take a rate-limit slot), except that a lookup which must spend first (the
 * semantic cache embeds the prompt) takes the slot before spending, through its gate.
 */
export const PIPELINE_ORDER = [
  'authenticate',
  'modelAccess',
  'rateLimit',
  'cacheLookup',
  'budgetReservation',
  'routeAndCall',
  'settleCost',
  'respond',
  'log',
] as const;

export type PipelineStage = (typeof PIPELINE_ORDER)[number];

/** Resolves a principal from `ctx.credential`, or undefined when the credential is not its kind. */
export type AuthenticateHook = (
  ctx: RequestContext,
) => Principal | undefined | Promise<Principal | undefined>;
/** Refuses (throws) or allows the resolved model group for the principal. */
export type ModelAccessHook = (ctx: RequestContext, group: ModelGroup) => void | Promise<void>;
/**
 * Runs before the router moves a request to a fallback group (re-reserving budget for a pricier
 * group...); throws to refuse that group, and the router tries the next fallback.
 */
export type FallbackHook = (ctx: RequestContext, group: ModelGroup) => void | Promise<void>;
/** Runs for its side effects on the context; throws to refuse the request. */
export type ContextHook = (ctx: RequestContext) => void | Promise<void>;
/**
 * Runs the rateLimit stage now unless it has run (throws when the request is over its limits).
 * A cache lookup calls it before work that costs something (an embedding call), so that with
 * hits not counting for rate limits a throttled key still cannot make the gateway spend.
 */
export type RateLimitGate = () => Promise<void>;

/** Returns a cached answer to serve instead of calling a provider. */
export type CacheLookupHook = (
  ctx: RequestContext,
  request: ChatRequest,
  gate: RateLimitGate,
) => ChatResponse | undefined | Promise<ChatResponse | undefined>;

/** The cacheLookup stage of an embeddings request. */
export type EmbeddingCacheLookupHook = (
  ctx: RequestContext,
  request: EmbeddingRequest,
  gate: RateLimitGate,
) => EmbeddingResponse | undefined | Promise<EmbeddingResponse | undefined>;

export interface PipelineHooks {
  authenticate: AuthenticateHook;
  modelAccess: ModelAccessHook;
  rateLimit: ContextHook;
  cacheLookup: CacheLookupHook;
  embeddingCacheLookup: EmbeddingCacheLookupHook;
  budgetReservation: ContextHook;
  /** Part of routeAndCall: admits the request to each fallback group before it is tried. */
  fallback: FallbackHook;
  /** Runs once per request whatever its outcome (releases reservations, prices the usage). */
  settleCost: ContextHook;
  /** Runs once per request after the response; must not block (batch its writes). */
  log: ContextHook;
}

export type HookStage = keyof PipelineHooks;

export interface PipelineDeps {
  readonly catalog: ModelCatalog;
  readonly router: Router;
  readonly logger: Logger;
  /** `litellm_settings.drop_params`. */
  readonly dropParams: boolean;
  /** `cache_params.hits_count_for_rate_limits` (default true). */
  readonly cacheHitsCountForRateLimits?: boolean | undefined;
}

type Hooks = { [K in HookStage]: Array<PipelineHooks[K]> };

/** A started stream's first chunk and the iterator for the rest. */
interface OpenedStream {
  readonly first: ChatChunk;
  readonly rest: AsyncIterator<ChatChunk>;
}

export class Pipeline {
  private readonly hooks: Hooks = {
    authenticate: [],
    modelAccess: [],
    rateLimit: [],
    cacheLookup: [],
    embeddingCacheLookup: [],
    budgetReservation: [],
    fallback: [],
    settleCost: [],
    log: [],
  };
  private readonly deps: PipelineDeps;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
  }

  /** Adds a hook at a stage; hooks of one stage run in the order they were added. */
  use<K extends HookStage>(stage: K, hook: PipelineHooks[K]): this {
    (this.hooks[stage] as Array<PipelineHooks[K]>).push(hook);
    return this;
  }

  /** Resolves the caller; throws 401 when no hook recognises the credential. */
  async authenticate(ctx: RequestContext): Promise<Principal> {
    if (ctx.principal !== undefined) return ctx.principal;
    if (ctx.credential === undefined || ctx.credential === '') {
      throw new GatewayError(
        'missing_api_key',
        'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"',
      );
    }
    for (const hook of this.hooks.authenticate) {
      const principal = await hook(ctx);
      if (principal !== undefined) {
        ctx.principal = principal;
        return principal;
      }
    }
    throw new GatewayError('invalid_api_key', 'Invalid API key');
  }

  /** A non-streaming chat completion through every stage. */
  async chat(ctx: RequestContext, request: ChatRequest): Promise<ChatResponse> {
    ctx.streaming = false;
    try {
      describeChat(ctx, request);
      const group = await this.admit(ctx, request.model);
      const cached = await this.limitAndLookup(ctx, (gate) =>
        firstHit(this.hooks.cacheLookup, (hook) => hook(ctx, request, gate)),
      );
      if (cached !== undefined) {
        ctx.usage = cached.usage ?? undefined;
        await this.settle(ctx, 'success');
        return cached;
      }
      await this.runHooks('budgetReservation', ctx);
      const upstream = toUpstreamRequest(request);
      const response = await this.deps.router.route(
        ctx,
        { group, fallbacks: request.fallbacks ?? undefined, admitFallback: this.admitFallback },
        (handle) => handle.adapter.generate(upstream, this.callOptions(ctx, { request, handle })),
      );
      ctx.usage = response.usage ?? undefined;
      await this.settle(ctx, 'success');
      return response;
    } catch (error) {
      throw await this.fail(ctx, error);
    }
  }

  /**
   * A streaming chat completion. Resolves once the first chunk is in hand, so that every
   * failure before it is a normal error (and retries and fallbacks can still run); the returned
   * stream settles and logs when it ends.
   */
  async stream(ctx: RequestContext, request: ChatRequest): Promise<ChatStream> {
    ctx.streaming = true;
    try {
      describeChat(ctx, request);
      const group = await this.admit(ctx, request.model);
      const cached = await this.limitAndLookup(ctx, (gate) =>
        firstHit(this.hooks.cacheLookup, (hook) => hook(ctx, request, gate)),
      );
      if (cached !== undefined) {
        // A hit is replayed as the stream the provider would have sent (role, content, finish, usage).
        ctx.usage = cached.usage ?? undefined;
        ctx.timeToFirstTokenMs = performance.now() - ctx.receivedAt;
        const replay = replayChunks(replayAsStream(cached));
        const first = await replay.next();
        if (first.done !== true) {
          return new ChatStream({
            ctx,
            first: first.value,
            rest: replay,
            finish: (streamCtx, status) => this.settle(streamCtx, status),
            prompt: request.messages,
          });
        }
      }
      await this.runHooks('budgetReservation', ctx);
      const upstream = toUpstreamRequest(request);
      const opened = await this.deps.router.route(
        ctx,
        { group, fallbacks: request.fallbacks ?? undefined, admitFallback: this.admitFallback },
        (handle) => this.openStream(handle, this.callOptions(ctx, { request, handle }), upstream),
      );
      ctx.timeToFirstTokenMs = performance.now() - ctx.receivedAt;
      return new ChatStream({
        ctx,
        first: opened.first,
        rest: opened.rest,
        finish: (streamCtx, status) => this.settle(streamCtx, status),
        prompt: request.messages,
      });
    } catch (error) {
      throw await this.fail(ctx, error);
    }
  }

  /** Embeddings through every stage. */
  async embed(ctx: RequestContext, request: EmbeddingRequest): Promise<EmbeddingResponse> {
    try {
      ctx.bound = { promptBytes: embeddingPromptBytes(request), maxOutputTokens: 0 };
      ctx.endUser = request.user ?? undefined;
      ctx.metadata = request.metadata ?? undefined;
      const group = await this.admit(ctx, request.model);
      const cached = await this.limitAndLookup(ctx, (gate) =>
        firstHit(this.hooks.embeddingCacheLookup, (hook) => hook(ctx, request, gate)),
      );
      if (cached !== undefined) {
        ctx.usage = embeddingUsage(cached);
        await this.settle(ctx, 'success');
        return cached;
      }
      await this.runHooks('budgetReservation', ctx);
      const {
        provider_options: providerOptions,
        metadata: _metadata,
        cache: _cache,
        ...upstream
      } = request;
      const route = { group, admitFallback: this.admitFallback };
      const response = await this.deps.router.route(ctx, route, (handle) =>
        handle.adapter.embed(upstream, {
          signal: ctx.signal,
          warnings: ctx,
          dropParams: this.deps.dropParams,
          providerOptions: providerOptions?.[handle.deployment.provider],
          mockResponse: undefined,
        }),
      );
      ctx.usage = embeddingUsage(response);
      await this.settle(ctx, 'success');
      return response;
    } catch (error) {
      throw await this.fail(ctx, error);
    }
  }

  /** authenticate → modelAccess; returns the group that will serve the request. */
  private async admit(ctx: RequestContext, model: string): Promise<ModelGroup> {
    const principal = await this.authenticate(ctx);
    ctx.requestedModel = model;
    const group = this.deps.catalog.resolve(model);
    if (group === undefined) {
      throw new GatewayError(
        'model_not_found',
        `The model "${model}" does not exist on this gateway`,
        {
          param: 'model',
        },
      );
    }
    if (principal.allowedModels !== undefined && !principal.allowedModels.includes(group.name)) {
      throw new GatewayError('model_not_allowed', `This key may not use the model "${model}"`, {
        param: 'model',
      });
    }
    ctx.group = group;
    for (const hook of this.hooks.modelAccess) await hook(ctx, group);
    return group;
  }

  /**
   * rateLimit, then cacheLookup; or, when cache hits do not count for rate limits, the lookup
   * first and rateLimit for a miss only (or earlier, when the lookup opens its gate).
   */
  private async limitAndLookup<R>(
    ctx: RequestContext,
    lookup: (gate: RateLimitGate) => Promise<R | undefined>,
  ): Promise<R | undefined> {
    if (this.deps.cacheHitsCountForRateLimits !== false) {
      await this.runHooks('rateLimit', ctx);
      return lookup(ALREADY_LIMITED);
    }
    let limited: Promise<void> | undefined;
    const gate: RateLimitGate = () => (limited ??= this.runHooks('rateLimit', ctx));
    const hit = await lookup(gate);
    if (hit === undefined) await gate();
    return hit;
  }

  /**
   * A fallback group is held to the same rules as the requested one: the key must be allowed to
   * use it, and the modelAccess and fallback hooks must accept it.
   */
  private readonly admitFallback = async (
    ctx: RequestContext,
    group: ModelGroup,
  ): Promise<void> => {
    const allowed = ctx.principal?.allowedModels;
    if (allowed !== undefined && !allowed.includes(group.name)) {
      throw new GatewayError('model_not_allowed', `This key may not use the model "${group.name}"`);
    }
    for (const hook of this.hooks.modelAccess) await hook(ctx, group);
    for (const hook of this.hooks.fallback) await hook(ctx, group);
  };

  private async openStream(
    handle: DeploymentHandle,
    options: CallOptions,
    request: ChatRequest,
  ): Promise<OpenedStream> {
    const iterator = handle.adapter.stream(request, options)[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done === true) {
      throw new GatewayError(
        'upstream_invalid_response',
        `${handle.deployment.provider} ended the stream without sending anything`,
        { provider: handle.deployment.provider },
      );
    }
    return { first: first.value, rest: iterator };
  }

  private callOptions(
    ctx: RequestContext,
    call: { request: ChatRequest; handle: DeploymentHandle },
  ): CallOptions {
    return {
      signal: ctx.signal,
      warnings: ctx,
      dropParams: this.deps.dropParams,
      providerOptions: call.request.provider_options?.[call.handle.deployment.provider],
      mockResponse: call.request.mock_response ?? undefined,
    };
  }

  private async runHooks(
    stage: 'rateLimit' | 'budgetReservation',
    ctx: RequestContext,
  ): Promise<void> {
    for (const hook of this.hooks[stage]) await hook(ctx);
  }

  /**
   * Records a failure that happened outside the pipeline's own methods (a body that is not JSON,
   * a request that fails validation) so that it settles and is logged like any other request.
   * Safe to call after the pipeline already settled: it then only returns the GatewayError.
   */
  async reject(ctx: RequestContext, error: unknown): Promise<GatewayError> {
    if (ctx.status !== 'pending') return toGatewayError(error);
    return this.fail(ctx, error);
  }

  /** Records the failure, settles, and returns the error to throw. */
  private async fail(ctx: RequestContext, error: unknown): Promise<GatewayError> {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') {
      this.deps.logger.error('internal error', {
        requestId: ctx.requestId,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    ctx.error = gatewayError;
    await this.settle(ctx, gatewayError.code === 'client_closed_request' ? 'cancelled' : 'error');
    return gatewayError;
  }

  /** settleCost now, log after the response has gone out. Exactly once per request. */
  private async settle(
    ctx: RequestContext,
    status: Exclude<RequestStatus, 'pending'>,
  ): Promise<void> {
    if (ctx.status !== 'pending') return;
    ctx.status = status;
    ctx.latencyMs = performance.now() - ctx.receivedAt;
    this.deps.router.release?.(ctx);
    for (const hook of this.hooks.settleCost) {
      try {
        await hook(ctx);
      } catch (error) {
        this.deps.logger.error('settle hook failed', {
          requestId: ctx.requestId,
          error: String(error),
        });
      }
    }
    if (this.hooks.log.length > 0) {
      // One macrotask for every request settled in this turn of the event loop, not one each.
      this.pendingLogs.push(ctx);
      if (this.pendingLogs.length === 1) setImmediate(this.runPendingLogs);
    }
  }

  /** Requests settled since the last log macrotask ran. */
  private pendingLogs: RequestContext[] = [];
  private readonly runPendingLogs = (): void => {
    const pending = this.pendingLogs;
    this.pendingLogs = [];
    for (const ctx of pending) this.runLog(ctx);
  };

  private runLog(ctx: RequestContext): void {
    for (const hook of this.hooks.log) {
      try {
        const pending = hook(ctx);
        if (pending instanceof Promise) {
          pending.catch((error: unknown) =>
            this.deps.logger.error('log hook failed', {
              requestId: ctx.requestId,
              error: String(error),
            }),
          );
        }
      } catch (error) {
        this.deps.logger.error('log hook failed', {
          requestId: ctx.requestId,
          error: String(error),
        });
      }
    }
  }
}

/** The first answer a cache lookup hook has for the request (hooks run in order), if any. */
async function firstHit<H, R>(
  hooks: readonly H[],
  ask: (hook: H) => R | undefined | Promise<R | undefined>,
): Promise<R | undefined> {
  for (const hook of hooks) {
    const hit = await ask(hook);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The gate of a lookup that runs after rateLimit: nothing left to take. */
const ALREADY_LIMITED: RateLimitGate = () => Promise.resolve();

/** What accounting needs to know about a chat request before it runs. */
function describeChat(ctx: RequestContext, request: ChatRequest): void {
  ctx.bound = {
    promptBytes: chatPromptBytes(request),
    maxOutputTokens: chatMaxOutputTokens(request),
  };
  ctx.endUser = request.user ?? undefined;
  ctx.metadata = request.metadata ?? undefined;
}

/** An embeddings answer's usage in the chat shape accounting prices (no completion tokens). */
function embeddingUsage(response: EmbeddingResponse): Usage {
  return {
    prompt_tokens: response.usage.prompt_tokens,
    completion_tokens: 0,
    total_tokens: response.usage.total_tokens,
  };
}

/** Serves already-known chunks through the async iterator a ChatStream reads. */
function replayChunks(chunks: Iterable<ChatChunk>): AsyncIterator<ChatChunk> {
  const iterator = chunks[Symbol.iterator]();
  return {
    next: () => Promise.resolve(iterator.next()),
    return: () => Promise.resolve({ done: true, value: undefined }),
  };
}

/** The request as adapters see it: gateway fields removed (SPEC §3), everything else kept. */
export function toUpstreamRequest(request: ChatRequest): ChatRequest {
  const {
    cache: _cache,
    fallbacks: _fallbacks,
    mock_response: _mockResponse,
    provider_options: _providerOptions,
    metadata: _metadata,
    ...upstream
  } = request;
  return upstream;
}
