import { GatewayError, toGatewayError, type ErrorCode } from './errors.js';
import type { DeploymentHandle, ModelGroup } from './model-catalog.js';
import type { RequestContext } from './request-context.js';

/** Calls one deployment; the router decides which, and how often. */
export type AttemptFn<T> = (handle: DeploymentHandle) => Promise<T>;

/** Admits a request to a fallback group (access rules, budget); throws to refuse it. */
export type AdmitFallback = (ctx: RequestContext, group: ModelGroup) => Promise<void>;

/** What the pipeline asks the router to serve. */
export interface RouteRequest {
  /** The group the request was admitted to. */
  readonly group: ModelGroup;
  /** The request's own `fallbacks` gateway field; replaces the configured `fallbacks` for it. */
  readonly fallbacks?: readonly string[] | undefined;
  /**
   * Runs before a fallback group is tried. A refusal skips that group (with a warning on the
   * request) and the router moves on to the next fallback.
   */
  readonly admitFallback?: AdmitFallback | undefined;
}

/**
 * The route-and-call step of the pipeline: picks deployments of a group and runs attempts,
 * recording each in the context. Strategies, retries, fallbacks and cooldowns live behind it
 * (`src/core/router/`); the pipeline only sees this interface.
 */
export interface Router {
  route<T>(ctx: RequestContext, request: RouteRequest, attempt: AttemptFn<T>): Promise<T>;
  /**
   * Called once when the request settles (for a stream: when it ends), so that what the
   * serving deployment holds for it (an in-flight slot, a rate-limit lease) is released with
   * the request's actual usage.
   */
  release?(ctx: RequestContext): void;
}

/**
 * The foundation router: one attempt on a uniformly chosen deployment of the group. Kept for
 * tests of the pipeline that need no routing; no provider names here, the router only sees handles.
 */
export class SingleAttemptRouter implements Router {
  async route<T>(ctx: RequestContext, request: RouteRequest, attempt: AttemptFn<T>): Promise<T> {
    const { group } = request;
    const handles = group.deployments;
    const handle =
      handles.length === 1 ? handles[0] : handles[Math.floor(Math.random() * handles.length)];
    if (handle === undefined) {
      throw new GatewayError(
        'no_healthy_deployment',
        `Model group "${group.name}" has no deployment`,
      );
    }
    return runAttempt(ctx, { group, handle, attempt });
  }
}

/** Marks `handle` as the deployment now serving the request (headers, pricing, the spend row). */
export function beginAttempt(
  ctx: RequestContext,
  group: ModelGroup,
  handle: DeploymentHandle,
): void {
  const { deployment } = handle;
  ctx.deploymentId = deployment.id;
  ctx.provider = deployment.provider;
  ctx.deployment = deployment;
  ctx.servedModelGroup = group.name;
}

/** Records a finished attempt on the context, for `x-tollgate-attempts` and the spend row. */
export function recordAttempt(
  ctx: RequestContext,
  attempt: { group: ModelGroup; handle: DeploymentHandle; latencyMs: number },
  errorCode: ErrorCode | undefined,
): void {
  const { deployment } = attempt.handle;
  ctx.upstreamMs += attempt.latencyMs;
  ctx.attempts.push({
    deploymentId: deployment.id,
    provider: deployment.provider,
    modelGroup: attempt.group.name,
    latencyMs: attempt.latencyMs,
    errorCode,
  });
}

/** Runs one attempt, timing it and recording it on the context (success or failure). */
export async function runAttempt<T>(
  ctx: RequestContext,
  call: { group: ModelGroup; handle: DeploymentHandle; attempt: AttemptFn<T> },
): Promise<T> {
  beginAttempt(ctx, call.group, call.handle);
  const started = performance.now();
  try {
    const result = await call.attempt(call.handle);
    recordAttempt(ctx, { ...call, latencyMs: performance.now() - started }, undefined);
    return result;
  } catch (error) {
    const gatewayError = toGatewayError(error);
    recordAttempt(ctx, { ...call, latencyMs: performance.now() - started }, gatewayError.code);
    throw gatewayError;
  }
}
