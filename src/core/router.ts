import { GatewayError, toGatewayError } from './errors.js';
import type { DeploymentHandle, ModelGroup } from './model-catalog.js';
import type { RequestContext } from './request-context.js';

/** Calls one deployment; the router decides which, and how often. */
export type AttemptFn<T> = (handle: DeploymentHandle) => Promise<T>;

/**
 * The route-and-call step of the pipeline: picks deployments of a group and runs attempts,
 * recording each in the context. Strategies, retries, fallbacks and cooldowns plug in here.
 */
export interface Router {
  route<T>(ctx: RequestContext, group: ModelGroup, attempt: AttemptFn<T>): Promise<T>;
}

/**
 * The foundation router: one attempt on a uniformly chosen deployment of the group. No provider
 * names here; the router only sees handles.
 */
export class SingleAttemptRouter implements Router {
  async route<T>(ctx: RequestContext, group: ModelGroup, attempt: AttemptFn<T>): Promise<T> {
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

/** Runs one attempt, timing it and recording it on the context (success or failure). */
export async function runAttempt<T>(
  ctx: RequestContext,
  call: { group: ModelGroup; handle: DeploymentHandle; attempt: AttemptFn<T> },
): Promise<T> {
  const { deployment } = call.handle;
  const started = performance.now();
  ctx.deploymentId = deployment.id;
  ctx.provider = deployment.provider;
  ctx.deployment = deployment;
  ctx.servedModelGroup = call.group.name;
  try {
    const result = await call.attempt(call.handle);
    const latencyMs = performance.now() - started;
    ctx.upstreamMs += latencyMs;
    ctx.attempts.push({
      deploymentId: deployment.id,
      provider: deployment.provider,
      modelGroup: call.group.name,
      latencyMs,
      errorCode: undefined,
    });
    return result;
  } catch (error) {
    const latencyMs = performance.now() - started;
    ctx.upstreamMs += latencyMs;
    const gatewayError = toGatewayError(error);
    ctx.attempts.push({
      deploymentId: deployment.id,
      provider: deployment.provider,
      modelGroup: call.group.name,
      latencyMs,
      errorCode: gatewayError.code,
    });
    throw gatewayError;
  }
}
