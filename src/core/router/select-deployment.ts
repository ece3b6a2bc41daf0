import { GatewayError } from '../errors.js';
import type { RequestContext } from '../request-context.js';
import type { RateLimiter, RateLimitLease } from '../../policy/rate-limiter.js';
import type { DeploymentState } from './deployment-state.js';
import type { GroupRouting } from './group-routing.js';
import { PickInput, type RoutingStrategy } from './strategies/routing-strategy.js';

/**
 * Prompt tokens are estimated as UTF-8 bytes / 4 (`ctx.bound.promptBytes`, images counted at a
 * fixed allowance): about right for English with byte-level BPE tokenizers, and free. It only
 * decides the pre-call context window check, cost ranking and the deployment tpm estimate; the
 * provider's own `context_length_exceeded` still catches a prompt the estimate let through.
 */
const BYTES_PER_TOKEN = 4;
/** Output assumed for cost ranking when the request sets no max_tokens. */
const TYPICAL_OUTPUT_TOKENS = 500;

/** A deployment to call, holding its rpm/tpm slot when it has limits. */
export interface Choice {
  readonly index: number;
  readonly lease: RateLimitLease | undefined;
}

/** Every eligible deployment is at its rpm/tpm limit; one frees up in `waitMs`. */
export class CapacityWait {
  readonly waitMs: number;
  /** The 429 to answer when the request cannot wait that long. */
  readonly error: GatewayError;

  constructor(waitMs: number, error: GatewayError) {
    this.waitMs = waitMs;
    this.error = error;
  }
}

/** Whether a deployment's context window (when known) fits the prompt. */
function fits(state: DeploymentState, promptTokens: number): boolean {
  return state.maxInputTokens === undefined || promptTokens <= state.maxInputTokens;
}

/**
 * Picks a deployment of a group for one attempt: healthy (not cooling down), within its context
 * window, preferring deployments this request has not tried yet, by the routing strategy, and
 * with rpm/tpm headroom (a full deployment is skipped and the strategy asked again). Synchronous,
 * so the group's scratch flags and the one PickInput are shared by all requests.
 */
export class DeploymentSelector {
  private readonly strategy: RoutingStrategy;
  private readonly limiter: RateLimiter | undefined;
  private readonly now: () => number;
  private readonly input = new PickInput();

  constructor(deps: {
    strategy: RoutingStrategy;
    limiter: RateLimiter | undefined;
    now: () => number;
  }) {
    this.strategy = deps.strategy;
    this.limiter = deps.limiter;
    this.now = deps.now;
  }

  /**
   * A choice, a wait for capacity, or the error that no deployment can take the request
   * (`no_healthy_deployment` with Retry-After, or `context_length_exceeded` when the prompt
   * fits no deployment's window).
   */
  choose(
    ctx: RequestContext,
    routing: GroupRouting,
    tried: readonly number[] | undefined,
  ): Choice | CapacityWait | GatewayError {
    const input = this.fill(ctx);
    const { states, eligible } = routing;
    let candidates = 0;
    let tooLong = 0;
    let soonestBack = Number.POSITIVE_INFINITY;
    for (let index = 0; index < states.length; index += 1) {
      const state = states[index]!;
      let ok = 1;
      if (!fits(state, input.promptTokens)) {
        ok = 0;
        tooLong += 1;
      } else if (state.isCooling(input.now)) {
        ok = 0;
        soonestBack = Math.min(soonestBack, state.coolingUntil);
      }
      eligible[index] = ok;
      candidates += ok;
    }
    if (candidates === 0) return this.noneEligible(routing, { tooLong, soonestBack });
    if (tried !== undefined && candidates > countTried(eligible, tried)) {
      for (const index of tried) eligible[index] = 0;
    }
    return this.pickWithCapacity(routing);
  }

  /** Whether a retry could go to a healthy deployment this request has not tried yet. */
  hasUntried(ctx: RequestContext, routing: GroupRouting, tried: readonly number[]): boolean {
    const input = this.fill(ctx);
    const { states } = routing;
    for (let index = 0; index < states.length; index += 1) {
      const state = states[index]!;
      if (tried.includes(index) || state.isCooling(input.now)) continue;
      if (fits(state, input.promptTokens)) return true;
    }
    return false;
  }

  private fill(ctx: RequestContext): PickInput {
    const input = this.input;
    input.now = this.now();
    input.streaming = ctx.streaming;
    input.promptTokens = Math.ceil((ctx.bound?.promptBytes ?? 0) / BYTES_PER_TOKEN);
    input.outputTokens = ctx.bound?.maxOutputTokens ?? TYPICAL_OUTPUT_TOKENS;
    return input;
  }

  private pickWithCapacity(routing: GroupRouting): Choice | CapacityWait {
    const input = this.input;
    let retryAfterSeconds = Number.POSITIVE_INFINITY;
    for (;;) {
      const index = this.strategy.pick(routing, input);
      if (index < 0) break;
      const limit = routing.states[index]!.limit;
      if (limit === undefined || this.limiter === undefined) return { index, lease: undefined };
      const result = this.limiter.acquire(limit.subject, {
        spec: limit.spec,
        estimatedTokens: input.promptTokens,
      });
      if (result.ok) return { index, lease: result };
      routing.eligible[index] = 0;
      retryAfterSeconds = Math.min(retryAfterSeconds, result.retryAfterSeconds);
    }
    const seconds = Number.isFinite(retryAfterSeconds) ? retryAfterSeconds : 1;
    return new CapacityWait(
      seconds * 1000,
      new GatewayError(
        'rate_limit_exceeded',
        `Every deployment of "${routing.group.name}" is at its rpm/tpm limit; retry in ${seconds} s`,
        { retryAfterSeconds: seconds },
      ),
    );
  }

  private noneEligible(
    routing: GroupRouting,
    reasons: { tooLong: number; soonestBack: number },
  ): GatewayError {
    const { group, states } = routing;
    if (states.length === 0) {
      return new GatewayError(
        'no_healthy_deployment',
        `Model group "${group.name}" has no deployment`,
      );
    }
    if (reasons.tooLong === states.length) {
      const windows = states.map((state) => state.maxInputTokens ?? 0);
      return new GatewayError(
        'context_length_exceeded',
        `The prompt (about ${this.input.promptTokens} tokens) exceeds the context window of every deployment of "${group.name}" (max_input_tokens ${Math.max(...windows)})`,
        { param: 'messages', retryable: false },
      );
    }
    const seconds = Math.max(1, Math.ceil((reasons.soonestBack - this.input.now) / 1000));
    return new GatewayError(
      'no_healthy_deployment',
      `Every deployment of "${group.name}" is cooling down after failures; retry in ${seconds} s`,
      { retryAfterSeconds: seconds },
    );
  }
}

/** How many of the tried deployments are still marked eligible. */
function countTried(eligible: Uint8Array, tried: readonly number[]): number {
  let count = 0;
  for (let index = 0; index < eligible.length; index += 1) {
    if (eligible[index] === 1 && tried.includes(index)) count += 1;
  }
  return count;
}
