import type { ResolvedDeployment } from '../deployment.js';
import type { ErrorCode } from '../errors.js';
import type { RateLimitSpec } from '../../policy/rate-limiter.js';
import type { DeploymentRates, TokenRates } from './router-options.js';

const MINUTE_MS = 60_000;

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * What the router knows about one deployment: its configured limits (read once) and its live
 * health (in flight, latency averages, failures, cooldown, usage this minute). Mutated only by
 * the router and its health registry; everything else reads snapshots.
 */
export class DeploymentState {
  readonly deployment: ResolvedDeployment;
  /** `litellm_params.rpm` / `tpm`: the deployment's own limits. */
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  /** `litellm_params.weight`, for simple-shuffle. */
  readonly weight: number | undefined;
  /** `model_info.max_input_tokens`: prompts estimated above it skip this deployment. */
  readonly maxInputTokens: number | undefined;
  /** The rate limiter's subject and spec, when rpm or tpm is set. */
  readonly limit: { readonly subject: string; readonly spec: RateLimitSpec } | undefined;
  /** Attempts running now (a stream counts until it ends). */
  inFlight = 0;
  /** EWMA of successful non-streaming attempts (and timeouts), ms. */
  latencyMs: number | undefined;
  /** EWMA of time to the first chunk of streams, ms. */
  ttftMs: number | undefined;
  /** Wall-clock ms until which the deployment is out of rotation; 0 = healthy. */
  coolingUntil = 0;
  cooldownReason: ErrorCode | undefined;
  lastError: { readonly code: ErrorCode; readonly at: number } | undefined;
  successes = 0;
  failures = 0;
  /** Times of the failures that count toward allowed_fails, oldest first (last minute only). */
  readonly recentFailures: number[] = [];
  /** Requests and tokens in the current clock minute, for usage-based routing. */
  minute = -1;
  minuteRequests = 0;
  minuteTokens = 0;
  private rates: TokenRates | null | undefined;

  constructor(deployment: ResolvedDeployment) {
    this.deployment = deployment;
    this.rpm = positiveNumber(deployment.params.rpm);
    this.tpm = positiveNumber(deployment.params.tpm);
    this.weight = positiveNumber(deployment.params.weight);
    this.maxInputTokens = positiveNumber(deployment.modelInfo.max_input_tokens);
    this.limit =
      this.rpm === undefined && this.tpm === undefined
        ? undefined
        : { subject: `deployment:${deployment.id}`, spec: { rpm: this.rpm, tpm: this.tpm } };
  }

  /** Whether the deployment is out of rotation at `now`. */
  isCooling(now: number): boolean {
    return this.coolingUntil > now;
  }

  /** Counts an attempt in this minute's usage. */
  countRequest(now: number): void {
    this.rollMinute(now);
    this.minuteRequests += 1;
  }

  /** Counts the tokens a finished request used. */
  countTokens(now: number, tokens: number): void {
    this.rollMinute(now);
    this.minuteTokens += tokens;
  }

  /** Requests so far this minute (zero once the minute has passed). */
  requestsAt(now: number): number {
    return Math.floor(now / MINUTE_MS) === this.minute ? this.minuteRequests : 0;
  }

  /** Tokens of finished requests so far this minute. */
  tokensAt(now: number): number {
    return Math.floor(now / MINUTE_MS) === this.minute ? this.minuteTokens : 0;
  }

  /** The deployment's token prices, asked once. */
  ratesFrom(price: DeploymentRates): TokenRates | undefined {
    if (this.rates === undefined) this.rates = price(this.deployment) ?? null;
    return this.rates ?? undefined;
  }

  private rollMinute(now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    if (minute === this.minute) return;
    this.minute = minute;
    this.minuteRequests = 0;
    this.minuteTokens = 0;
  }
}
