import { GatewayError, toGatewayError } from '../errors.js';
import type { DeploymentHandle, ModelGroup } from '../model-catalog.js';
import type { RequestContext } from '../request-context.js';
import {
  beginAttempt,
  recordAttempt,
  type AttemptFn,
  type RouteRequest,
  type Router,
} from '../router.js';
import type { RateLimiter, RateLimitLease } from '../../policy/rate-limiter.js';
import { abortableSleep, clientClosed } from './abortable-sleep.js';
import { DeploymentHealth, type DeploymentHealthView } from './deployment-health.js';
import type { DeploymentState } from './deployment-state.js';
import { FallbackChain } from './fallback-chain.js';
import { GroupRouting } from './group-routing.js';
import { retriesFor, retryDelayMs } from './retry-policy.js';
import {
  DEFAULT_ROUTER_TUNING,
  type DeploymentRates,
  type RouterPolicy,
  type RouterTuning,
} from './router-options.js';
import { CapacityWait, DeploymentSelector, type Choice } from './select-deployment.js';
import { createStrategy } from './strategies/create-strategy.js';

export interface GatewayRouterOptions {
  readonly policy: RouterPolicy;
  /** Public model name → group (the catalog), for fallbacks. */
  readonly resolveGroup: (name: string) => ModelGroup | undefined;
  /** Enforces per-deployment rpm/tpm (subjects `deployment:<id>`); without one they are not. */
  readonly limiter?: RateLimiter | undefined;
  /** Token prices per deployment, for cost-based routing. */
  readonly rates?: DeploymentRates | undefined;
  readonly tuning?: Partial<RouterTuning> | undefined;
}

/** What the serving deployment holds for a request until it settles. */
interface Served {
  readonly state: DeploymentState;
  readonly lease: RateLimitLease | undefined;
  readonly groupSize: number;
}

const SERVED = Symbol('router.served');

/**
 * The router (SPEC §2 `router_settings`, issue 6): picks a deployment of the group by the
 * routing strategy, retries retryable failures (on another healthy deployment when there is
 * one, else after a backoff that honours `Retry-After`), cools failing deployments down, and
 * walks the fallback chain when a group cannot serve the request. Every attempt is recorded on
 * the context with the group it belonged to.
 *
 * Timeouts stay where the upstream I/O is: each attempt's adapter call is bounded by the
 * deployment's `timeout` (whole request) and `stream_timeout` (silence between chunks), which
 * abort the upstream request, so the router adds no timer to the happy path. Its own waits
 * (backoff, capacity) end early when the client goes away.
 */
export class GatewayRouter implements Router {
  readonly health: DeploymentHealth;
  private readonly policy: RouterPolicy;
  private readonly tuning: RouterTuning;
  private readonly resolveGroup: (name: string) => ModelGroup | undefined;
  private readonly selector: DeploymentSelector;
  private readonly groups = new WeakMap<ModelGroup, GroupRouting>();

  constructor(options: GatewayRouterOptions) {
    this.policy = options.policy;
    this.tuning = { ...DEFAULT_ROUTER_TUNING, ...options.tuning };
    this.resolveGroup = options.resolveGroup;
    this.health = new DeploymentHealth({
      allowedFails: options.policy.allowedFails,
      cooldownMs: options.policy.cooldownTime * 1000,
      maxRetryAfterMs: this.tuning.maxRetryAfterMs,
      ewmaAlpha: this.tuning.ewmaAlpha,
      now: this.tuning.now,
    });
    this.selector = new DeploymentSelector({
      strategy: createStrategy(options.policy.routingStrategy, {
        random: this.tuning.random,
        explorationRate: this.tuning.explorationRate,
        rates: options.rates,
      }),
      limiter: options.limiter,
      now: this.tuning.now,
    });
  }

  async route<T>(ctx: RequestContext, request: RouteRequest, attempt: AttemptFn<T>): Promise<T> {
    let group = request.group;
    let chain: FallbackChain | undefined;
    let original: GatewayError | undefined;
    for (;;) {
      try {
        return await this.routeGroup(ctx, group, attempt);
      } catch (error) {
        const failure = toGatewayError(error);
        if (ctx.signal.aborted || failure.code === 'client_closed_request') throw failure;
        if (original === undefined) {
          // The request itself is wrong: no other group would take it either.
          if (failure.layer === 'client') throw failure;
          original = failure;
        }
        chain ??= new FallbackChain({
          first: request.group.name,
          requestFallbacks: request.fallbacks,
          policy: this.policy,
          maxFallbacks: this.tuning.maxFallbacks,
        });
        const next = await chain.next(
          ctx,
          { group, error: failure },
          { resolve: this.resolveGroup, admit: request.admitFallback },
        );
        // The requested group's failure explains the outcome best (an upstream 429 stays a 429).
        if (next === undefined) throw original;
        ctx.warn(`fallback from "${group.name}" to "${next.name}" after ${failure.code}`);
        group = next;
      }
    }
  }

  release(ctx: RequestContext): void {
    const served = ctx.state.get(SERVED) as Served | undefined;
    if (served === undefined) return;
    ctx.state.delete(SERVED);
    served.state.inFlight -= 1;
    // A stream that failed after its first chunk (reset, stalled) is the deployment's failure too.
    if (ctx.error !== undefined && ctx.error.code !== 'client_closed_request') {
      this.health.recordFailure(served.state, {
        error: ctx.error,
        latencyMs: undefined,
        groupSize: served.groupSize,
      });
    }
    const tokens = ctx.usage?.total_tokens;
    // NaN keeps the estimate when the provider reported no usage.
    served.lease?.release(tokens ?? Number.NaN);
    if (tokens !== undefined) served.state.countTokens(this.tuning.now(), tokens);
  }

  /** Health of these deployments (readiness, the GraphQL `deployments` query). */
  snapshot(handles: readonly DeploymentHandle[]): DeploymentHealthView[] {
    return this.health.snapshot(handles.map((handle) => handle.deployment));
  }

  /** One group: attempts with retries until one succeeds or the retries are spent. */
  private async routeGroup<T>(
    ctx: RequestContext,
    group: ModelGroup,
    attempt: AttemptFn<T>,
  ): Promise<T> {
    const routing = this.routingOf(group);
    let tried: number[] | undefined;
    let lastError: GatewayError | undefined;
    for (let retry = 0; ; retry += 1) {
      const choice = await this.choose(ctx, routing, { tried, lastError });
      try {
        return await this.attemptOn(ctx, { routing, choice, attempt });
      } catch (error) {
        const failure = toGatewayError(error);
        if (ctx.signal.aborted || retry >= retriesFor(failure, this.policy)) throw failure;
        tried ??= [];
        if (!tried.includes(choice.index)) tried.push(choice.index);
        lastError = failure;
        // Another deployment can be tried at once; the same one again only after a backoff.
        if (!this.selector.hasUntried(ctx, routing, tried)) {
          const delayMs = retryDelayMs(retry, failure, this.tuning);
          if (delayMs === undefined) throw failure;
          await abortableSleep(delayMs, ctx.signal);
        }
      }
    }
  }

  /**
   * The next deployment, waiting (bounded by maxQueueWaitMs) while all are at their rpm/tpm
   * limits. After a failed attempt, "nothing left" is answered with that attempt's error, which
   * says more than "no healthy deployment".
   */
  private async choose(
    ctx: RequestContext,
    routing: GroupRouting,
    previous: { tried: readonly number[] | undefined; lastError: GatewayError | undefined },
  ): Promise<Choice> {
    let waitedMs = 0;
    for (;;) {
      if (ctx.signal.aborted) throw clientClosed();
      const choice = this.selector.choose(ctx, routing, previous.tried);
      if (choice instanceof GatewayError) throw previous.lastError ?? choice;
      if (!(choice instanceof CapacityWait)) return choice;
      if (waitedMs + choice.waitMs > this.tuning.maxQueueWaitMs) {
        throw previous.lastError ?? choice.error;
      }
      await abortableSleep(choice.waitMs, ctx.signal);
      waitedMs += choice.waitMs;
    }
  }

  /** Runs one attempt on the chosen deployment and records it: on the context and in health. */
  private async attemptOn<T>(
    ctx: RequestContext,
    call: { routing: GroupRouting; choice: Choice; attempt: AttemptFn<T> },
  ): Promise<T> {
    const { routing, choice } = call;
    const group = routing.group;
    const handle = group.deployments[choice.index]!;
    const state = routing.states[choice.index]!;
    beginAttempt(ctx, group, handle);
    state.inFlight += 1;
    state.countRequest(this.tuning.now());
    const started = performance.now();
    try {
      const result = await call.attempt(handle);
      const latencyMs = performance.now() - started;
      recordAttempt(ctx, { group, handle, latencyMs }, undefined);
      this.health.recordSuccess(state, { latencyMs, streaming: ctx.streaming });
      const served: Served = { state, lease: choice.lease, groupSize: routing.states.length };
      ctx.state.set(SERVED, served);
      return result;
    } catch (error) {
      const failure = toGatewayError(error);
      const latencyMs = performance.now() - started;
      recordAttempt(ctx, { group, handle, latencyMs }, failure.code);
      state.inFlight -= 1;
      choice.lease?.release(0);
      if (failure.code !== 'client_closed_request') {
        this.health.recordFailure(state, {
          error: failure,
          latencyMs,
          groupSize: routing.states.length,
        });
      }
      throw failure;
    }
  }

  private routingOf(group: ModelGroup): GroupRouting {
    let routing = this.groups.get(group);
    if (routing === undefined) {
      routing = new GroupRouting(group, this.health);
      this.groups.set(group, routing);
    }
    return routing;
  }
}
