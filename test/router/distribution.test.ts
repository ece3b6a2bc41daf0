import { describe, expect, it } from 'vitest';
import type { DeploymentHandle, ModelGroup } from '../../src/core/model-catalog.js';
import { GatewayRouter, type RoutingStrategyName } from '../../src/core/router/index.js';
import { context, policy, sleep, stubDeployment, stubGroup } from './stub-group.js';

/**
 * How the strategies spread traffic, calling the router directly (no HTTP): the attempt function
 * stands in for the upstream call.
 */

const served = (handle: DeploymentHandle): Promise<string> => Promise.resolve(handle.deployment.id);

async function shares(
  router: GatewayRouter,
  group: ModelGroup,
  load: {
    requests: number;
    streaming?: boolean;
    /** The upstream call; by default it answers at once. */
    call?: (handle: DeploymentHandle) => Promise<string>;
  },
): Promise<Record<string, number>> {
  const { requests } = load;
  const counts: Record<string, number> = {};
  for (let index = 0; index < requests; index += 1) {
    const ctx = context({ streaming: load.streaming ?? false });
    const id = await router.route(ctx, { group }, load.call ?? served);
    router.release(ctx);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([id, count]) => [id, count / requests]));
}

function routerFor(group: ModelGroup, strategy: RoutingStrategyName): GatewayRouter {
  return new GatewayRouter({
    policy: policy({ routingStrategy: strategy }),
    resolveGroup: (name) => (name === group.name ? group : undefined),
  });
}

describe('simple-shuffle', () => {
  it('matches the weights within 2 percentage points over 10,000 requests', async () => {
    const group = stubGroup('chat', [
      stubDeployment('light', { params: { weight: 1 } }),
      stubDeployment('middle', { params: { weight: 2 } }),
      stubDeployment('heavy', { params: { weight: 7 } }),
    ]);
    const result = await shares(routerFor(group, 'simple-shuffle'), group, { requests: 10_000 });
    expect(Math.abs(result.light! - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(result.middle! - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(result.heavy! - 0.7)).toBeLessThan(0.02);
  });

  it('weighs by rpm when no deployment sets a weight', async () => {
    const group = stubGroup('chat', [
      stubDeployment('small', { params: { rpm: 100 } }),
      stubDeployment('large', { params: { rpm: 300 } }),
    ]);
    const result = await shares(routerFor(group, 'simple-shuffle'), group, { requests: 10_000 });
    expect(Math.abs(result.large! - 0.75)).toBeLessThan(0.02);
  });

  it('spreads evenly without weights or limits', async () => {
    const group = stubGroup('chat', [
      stubDeployment('a'),
      stubDeployment('b'),
      stubDeployment('c'),
    ]);
    const result = await shares(routerFor(group, 'simple-shuffle'), group, { requests: 10_000 });
    for (const id of ['a', 'b', 'c']) expect(Math.abs(result[id]! - 1 / 3)).toBeLessThan(0.02);
  });
});

/**
 * Sixteen concurrent callers for `durationMs`; `slow` answers in 5 ms until `slowAfterMs`, then
 * in 150 ms. Returns which deployment served each request and when it started.
 */
async function loadWithSlowdown(
  strategy: RoutingStrategyName,
  timing: { durationMs: number; slowAfterMs: number },
): Promise<Array<{ id: string; at: number }>> {
  const group = stubGroup('chat', [
    stubDeployment('slow'),
    stubDeployment('b'),
    stubDeployment('c'),
  ]);
  const router = routerFor(group, strategy);
  const started = performance.now();
  const log: Array<{ id: string; at: number }> = [];
  const call = async (handle: DeploymentHandle): Promise<string> => {
    const id = handle.deployment.id;
    const slow = id === 'slow' && performance.now() - started > timing.slowAfterMs;
    await sleep(slow ? 150 : 5);
    return id;
  };
  const worker = async (): Promise<void> => {
    while (performance.now() - started < timing.durationMs) {
      const at = performance.now() - started;
      const ctx = context();
      const id = await router.route(ctx, { group }, call);
      router.release(ctx);
      log.push({ id, at });
    }
  };
  await Promise.all(Array.from({ length: 16 }, () => worker()));
  return log;
}

function slowShare(log: Array<{ id: string; at: number }>, from: number, to: number): number {
  const window = log.filter((entry) => entry.at >= from && entry.at < to);
  return window.filter((entry) => entry.id === 'slow').length / window.length;
}

describe.each(['least-busy', 'latency-based-routing'] as const)('%s', (strategy) => {
  it('moves traffic away from a deployment within a second or two of it slowing down', async () => {
    const log = await loadWithSlowdown(strategy, { durationMs: 3_000, slowAfterMs: 1_000 });
    // Before: a real share (a third when idle; latencies measured on a loaded machine, as in
    // CI, skew it: 0.19 was seen). From one second after the slowdown on: almost nothing.
    expect(slowShare(log, 200, 1_000)).toBeGreaterThan(0.1);
    expect(slowShare(log, 2_000, 3_000)).toBeLessThan(0.05);
  });
});

describe('latency-based-routing', () => {
  it('ranks streams by time to first token', async () => {
    const group = stubGroup('chat', [stubDeployment('quick-start'), stubDeployment('slow-start')]);
    const router = routerFor(group, 'latency-based-routing');
    // Measure both: unmeasured deployments come first, but the 5 % exploration pick may land on
    // the measured one, so send until both have a time to first token (bounded).
    const measured = () =>
      router.snapshot(group.deployments).every((view) => view.timeToFirstTokenMs !== undefined);
    for (let index = 0; index < 20 && !measured(); index += 1) {
      const ctx = context({ streaming: true });
      await router.route(ctx, { group }, async (handle) => {
        await sleep(handle.deployment.id === 'slow-start' ? 60 : 1);
      });
      router.release(ctx);
    }
    const views = router.snapshot(group.deployments);
    expect(views.map((view) => view.timeToFirstTokenMs! > 30)).toEqual([false, true]);
    // The deployments keep their speeds while the shares are counted: with instant answers the
    // explored slow-start would soon measure as fast as quick-start (0.79 seen in CI-like runs).
    const result = await shares(router, group, {
      requests: 400,
      streaming: true,
      call: async (handle) => {
        await sleep(handle.deployment.id === 'slow-start' ? 60 : 1);
        return handle.deployment.id;
      },
    });
    // All but the exploration share (5 %, half of it landing on quick-start anyway).
    expect(result['quick-start']).toBeGreaterThan(0.9);
  });
});

describe('cost-based-routing', () => {
  it('sends traffic to the cheapest healthy deployment, and unknown prices last', async () => {
    const group = stubGroup('chat', [
      stubDeployment('unknown'),
      stubDeployment('pricey'),
      stubDeployment('cheap'),
    ]);
    const prices: Record<string, number> = { pricey: 10, cheap: 1 };
    const router = new GatewayRouter({
      policy: policy({ routingStrategy: 'cost-based-routing' }),
      resolveGroup: () => undefined,
      rates: (deployment) => {
        const price = prices[deployment.id];
        return price === undefined
          ? undefined
          : { inputNanosPerToken: price, outputNanosPerToken: price * 2 };
      },
    });
    expect(await shares(router, group, { requests: 100 })).toEqual({ cheap: 1 });
  });
});

describe('usage-based-routing', () => {
  it('prefers the deployment with the most rpm headroom this minute', async () => {
    const group = stubGroup('chat', [
      stubDeployment('narrow', { params: { rpm: 10 } }),
      stubDeployment('wide', { params: { rpm: 1_000 } }),
    ]);
    const result = await shares(routerFor(group, 'usage-based-routing'), group, { requests: 100 });
    // narrow gets a request only while its remaining share is at least wide's.
    expect(result.wide).toBeGreaterThan(0.95);
  });
});
