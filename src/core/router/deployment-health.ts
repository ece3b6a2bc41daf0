import type { ResolvedDeployment } from '../deployment.js';
import type { ErrorCode, GatewayError } from '../errors.js';
import { DeploymentState } from './deployment-state.js';

/** Failures older than this no longer count toward `allowed_fails`. */
const FAILURE_WINDOW_MS = 60_000;

/** One deployment's health, as readiness and the GraphQL `deployments` query show it. */
export interface DeploymentHealthView {
  /** `model_info.id` (or the derived id). */
  readonly id: string;
  readonly modelGroup: string;
  readonly provider: string;
  /** False while the deployment is cooling down. */
  readonly healthy: boolean;
  /** Unix ms when the cooldown ends; undefined when healthy. */
  readonly coolingDownUntil: number | undefined;
  /** The error code that started the current cooldown. */
  readonly cooldownReason: ErrorCode | undefined;
  /** Attempts running now (streams count until they end). */
  readonly inFlight: number;
  /** Moving average of non-streaming attempt latency, ms; undefined before the first sample. */
  readonly latencyMs: number | undefined;
  /** Moving average of streams' time to first chunk, ms. */
  readonly timeToFirstTokenMs: number | undefined;
  /** Failures in the last minute that count toward `allowed_fails`. */
  readonly recentFailures: number;
  /** Attempts since start, by outcome. */
  readonly successes: number;
  readonly failures: number;
  /** The latest failed attempt: its code and Unix ms. */
  readonly lastError: { readonly code: ErrorCode; readonly at: number } | undefined;
  /** Configured limits, and what this clock minute used of them. */
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly requestsThisMinute: number;
  readonly tokensThisMinute: number;
}

export interface HealthSettings {
  /** Counted failures a deployment may have within a minute; one more cools it down. */
  readonly allowedFails: number;
  /** Cooldown length in ms; 0 disables cooldowns. */
  readonly cooldownMs: number;
  /** Cap on how far an upstream `Retry-After` can stretch a cooldown. */
  readonly maxRetryAfterMs: number;
  readonly ewmaAlpha: number;
  readonly now: () => number;
}

/** How a failed attempt bears on the health of the deployment that made it. */
export type FailureEffect = 'none' | 'count' | 'cooldown';

/**
 * LiteLLM's rules: a rate limit, a rejected credential or an unknown model will fail the next
 * request just the same, so they cool the deployment down at once; server errors, timeouts and
 * broken connections count toward `allowed_fails`; errors caused by the request itself (a bad
 * parameter, a prompt too long, refused content) or by the gateway say nothing about the
 * deployment.
 */
export function failureEffect(error: GatewayError): FailureEffect {
  switch (error.code) {
    case 'upstream_rate_limited':
    case 'upstream_auth_failed':
    case 'upstream_not_found':
      return 'cooldown';
    case 'upstream_error':
    case 'upstream_overloaded':
    case 'upstream_invalid_response':
    case 'upstream_connection_failed':
    case 'upstream_timeout':
      return 'count';
    default:
      return 'none';
  }
}

function ewma(previous: number | undefined, sample: number, alpha: number): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}

/**
 * The in-memory health registry: one DeploymentState per deployment (keyed by the resolved
 * deployment, so wildcard expansions that the catalog recycles are collected with it), the
 * cooldown rules, and read-only views for readiness and the APIs.
 */
export class DeploymentHealth {
  private readonly states = new WeakMap<ResolvedDeployment, DeploymentState>();
  private readonly settings: HealthSettings;

  constructor(settings: HealthSettings) {
    this.settings = settings;
  }

  stateOf(deployment: ResolvedDeployment): DeploymentState {
    let state = this.states.get(deployment);
    if (state === undefined) {
      state = new DeploymentState(deployment);
      this.states.set(deployment, state);
    }
    return state;
  }

  /** A successful attempt: its latency (or, for a stream, time to first chunk) joins the average. */
  recordSuccess(state: DeploymentState, sample: { latencyMs: number; streaming: boolean }): void {
    state.successes += 1;
    const alpha = this.settings.ewmaAlpha;
    if (sample.streaming) state.ttftMs = ewma(state.ttftMs, sample.latencyMs, alpha);
    else state.latencyMs = ewma(state.latencyMs, sample.latencyMs, alpha);
  }

  /**
   * A failed attempt (`latencyMs` undefined for a stream that failed after its first chunk):
   * counts it, and cools the deployment down when the rules say so. A group
   * with a single deployment is never cooled down (as in LiteLLM): there is nothing to route to
   * instead, and the client should see the provider's own error, not "no healthy deployment".
   */
  recordFailure(
    state: DeploymentState,
    failure: { error: GatewayError; latencyMs: number | undefined; groupSize: number },
  ): void {
    const { error } = failure;
    const now = this.settings.now();
    state.failures += 1;
    state.lastError = { code: error.code, at: now };
    // A timeout is the slowest possible answer: latency-based routing should see it.
    if (error.code === 'upstream_timeout' && failure.latencyMs !== undefined) {
      state.latencyMs = ewma(state.latencyMs, failure.latencyMs, this.settings.ewmaAlpha);
    }
    const effect = failureEffect(error);
    if (effect === 'none') return;
    const mayCool = failure.groupSize > 1 && this.settings.cooldownMs > 0;
    if (effect === 'cooldown') {
      if (!mayCool) return;
      const retryAfterMs = Math.min(
        (error.retryAfterSeconds ?? 0) * 1000,
        this.settings.maxRetryAfterMs,
      );
      this.coolDown(state, {
        reason: error.code,
        until: now + Math.max(this.settings.cooldownMs, retryAfterMs),
      });
      return;
    }
    const recent = state.recentFailures;
    while (recent.length > 0 && recent[0]! <= now - FAILURE_WINDOW_MS) recent.shift();
    recent.push(now);
    // Only the newest allowedFails + 1 matter for the decision.
    if (recent.length > this.settings.allowedFails + 1) recent.shift();
    if (mayCool && recent.length > this.settings.allowedFails) {
      this.coolDown(state, { reason: error.code, until: now + this.settings.cooldownMs });
    }
  }

  /** The views of these deployments, in order. */
  snapshot(deployments: Iterable<ResolvedDeployment>): DeploymentHealthView[] {
    const now = this.settings.now();
    const views: DeploymentHealthView[] = [];
    for (const deployment of deployments) views.push(this.view(this.stateOf(deployment), now));
    return views;
  }

  private view(state: DeploymentState, now: number): DeploymentHealthView {
    const cooling = state.isCooling(now);
    const { deployment } = state;
    let recentFailures = 0;
    for (const at of state.recentFailures) if (at > now - FAILURE_WINDOW_MS) recentFailures += 1;
    return {
      id: deployment.id,
      modelGroup: deployment.modelGroup,
      provider: deployment.provider,
      healthy: !cooling,
      coolingDownUntil: cooling ? state.coolingUntil : undefined,
      cooldownReason: cooling ? state.cooldownReason : undefined,
      inFlight: state.inFlight,
      latencyMs: state.latencyMs,
      timeToFirstTokenMs: state.ttftMs,
      recentFailures,
      successes: state.successes,
      failures: state.failures,
      lastError: state.lastError,
      rpm: state.rpm,
      tpm: state.tpm,
      requestsThisMinute: state.requestsAt(now),
      tokensThisMinute: state.tokensAt(now),
    };
  }

  private coolDown(state: DeploymentState, cooldown: { reason: ErrorCode; until: number }): void {
    state.coolingUntil = Math.max(state.coolingUntil, cooldown.until);
    state.cooldownReason = cooldown.reason;
    // A fresh start after the cooldown: the failures that caused it are paid for.
    state.recentFailures.length = 0;
  }
}
