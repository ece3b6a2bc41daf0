import type { ModelAdapter } from '../../src/core/adapter.js';
import type { ResolvedDeployment } from '../../src/core/deployment.js';
import type { DeploymentHandle, ModelGroup } from '../../src/core/model-catalog.js';
import { RequestContext } from '../../src/core/request-context.js';
import type { RouterPolicy } from '../../src/core/router/index.js';

/**
 * Model groups for calling the router directly, without HTTP: deployments whose adapter is never
 * used (the test's attempt function stands in for the upstream call).
 */

const UNUSED = (): never => {
  throw new Error('the stub adapter is not called; the attempt function stands in for it');
};

export function stubDeployment(
  id: string,
  options: {
    group?: string;
    params?: Record<string, unknown>;
    info?: Record<string, unknown>;
  } = {},
): ResolvedDeployment {
  return {
    id,
    modelGroup: options.group ?? 'chat',
    provider: 'stub',
    providerModel: id,
    apiBase: undefined,
    apiKey: undefined,
    apiVersion: undefined,
    timeoutMs: 60_000,
    streamTimeoutMs: 60_000,
    extraHeaders: {},
    params: options.params ?? {},
    modelInfo: options.info ?? {},
  };
}

export function stubGroup(name: string, deployments: readonly ResolvedDeployment[]): ModelGroup {
  return {
    name,
    deployments: deployments.map((deployment): DeploymentHandle => ({
      deployment,
      adapter: {
        provider: 'stub',
        deployment,
        generate: UNUSED,
        stream: UNUSED,
        embed: UNUSED,
        close: () => Promise.resolve(),
      } satisfies ModelAdapter,
    })),
  };
}

/** LiteLLM's defaults, as the config loader resolves them. */
export function policy(overrides: Partial<RouterPolicy> = {}): RouterPolicy {
  return {
    routingStrategy: 'simple-shuffle',
    numRetries: 0,
    allowedFails: 3,
    cooldownTime: 5,
    fallbacks: new Map(),
    contextWindowFallbacks: new Map(),
    contentPolicyFallbacks: new Map(),
    defaultFallbacks: [],
    retryPolicy: {},
    ...overrides,
  };
}

export function context(
  options: { streaming?: boolean; signal?: AbortSignal } = {},
): RequestContext {
  const ctx = new RequestContext({
    kind: 'chat',
    credential: undefined,
    signal: options.signal ?? new AbortController().signal,
  });
  ctx.streaming = options.streaming ?? false;
  ctx.bound = { promptBytes: 40, maxOutputTokens: 100 };
  return ctx;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
