import type { ResolvedDeployment } from '../deployment.js';

/** LiteLLM's routing strategies (`router_settings.routing_strategy`). */
export type RoutingStrategyName =
  | 'simple-shuffle'
  | 'least-busy'
  | 'latency-based-routing'
  | 'usage-based-routing'
  | 'cost-based-routing';

/** LiteLLM's `retry_policy` keys: retries per kind of error, overriding `num_retries`. */
export type RetryPolicyKey =
  | 'BadRequestErrorRetries'
  | 'AuthenticationErrorRetries'
  | 'TimeoutErrorRetries'
  | 'RateLimitErrorRetries'
  | 'ContentPolicyViolationErrorRetries'
  | 'InternalServerErrorRetries';

/**
 * The routing rules from configuration (`router_settings`, resolved). Structurally the config's
 * RouterSettings, declared here so the core does not depend on the config loader.
 */
export interface RouterPolicy {
  readonly routingStrategy: RoutingStrategyName;
  /** Retries of a retryable failure within one group, before falling back. */
  readonly numRetries: number;
  /** Failures within a minute a deployment may have before it cools down. */
  readonly allowedFails: number;
  /** Seconds a deployment stays out of rotation; 0 disables cooldowns. */
  readonly cooldownTime: number;
  /** Group → groups to try after any failure that survived the retries. */
  readonly fallbacks: ReadonlyMap<string, readonly string[]>;
  /** Group → groups for `context_length_exceeded` (or a prompt over the context window). */
  readonly contextWindowFallbacks: ReadonlyMap<string, readonly string[]>;
  /** Group → groups for `content_policy_violation`. */
  readonly contentPolicyFallbacks: ReadonlyMap<string, readonly string[]>;
  /** Fallbacks for groups that have no `fallbacks` entry of their own. */
  readonly defaultFallbacks: readonly string[];
  readonly retryPolicy: Readonly<Record<string, number>>;
}

/** Nano-USD per token of a deployment, for cost-based routing. */
export interface TokenRates {
  readonly inputNanosPerToken: number;
  readonly outputNanosPerToken: number;
}

/**
 * Prices a deployment from the price table; undefined when its price is unknown (such a
 * deployment is chosen last by cost-based routing). Injected so the core stays provider-free.
 */
export type DeploymentRates = (deployment: ResolvedDeployment) => TokenRates | undefined;

/** Timing and sampling knobs that are not part of LiteLLM's config; tests shorten them. */
export interface RouterTuning {
  /** First retry backoff; doubles per retry, with jitter (50–100 % of the value). */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /**
   * The longest upstream `Retry-After` the router waits out itself; a longer one ends the
   * retries and reaches the client (or the fallbacks) instead.
   */
  readonly maxRetryAfterMs: number;
  /** How long a request may wait for a deployment with rpm/tpm headroom before a 429. */
  readonly maxQueueWaitMs: number;
  /** Fallback groups tried at most per request (LiteLLM's `max_fallbacks`). */
  readonly maxFallbacks: number;
  /** Share of latency-based picks that go to a random deployment, to notice recoveries. */
  readonly explorationRate: number;
  /** Weight of the newest sample in the latency averages. */
  readonly ewmaAlpha: number;
  /** Uniform random number in [0, 1). */
  readonly random: () => number;
  /** Wall clock in ms (cooldowns, the per-minute windows). */
  readonly now: () => number;
}

export const DEFAULT_ROUTER_TUNING: RouterTuning = {
  // The official OpenAI SDKs' schedule: 0.5 s doubling to 8 s.
  initialBackoffMs: 500,
  maxBackoffMs: 8_000,
  maxRetryAfterMs: 10_000,
  maxQueueWaitMs: 2_000,
  maxFallbacks: 5,
  explorationRate: 0.05,
  ewmaAlpha: 0.3,
  random: Math.random,
  now: Date.now,
};
