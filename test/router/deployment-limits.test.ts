import OpenAI from 'openai';
import type { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/errors.js';
import { GatewayRouter } from '../../src/core/router/index.js';
import { MemoryRateLimiter } from '../../src/policy/memory-rate-limiter.js';
import type {
  RateLimiter,
  RateLimitLease,
  RateLimitRejection,
} from '../../src/policy/rate-limiter.js';
import {
  deployment,
  spendRows,
  startFaultyUpstreams,
  startRouterGateway,
  type FaultyUpstreams,
} from './support.js';
import { context, policy, stubDeployment, stubGroup } from './stub-group.js';

/** Per-deployment rpm/tpm (`litellm_params.rpm`/`tpm`): full deployments are skipped. */

describe('deployment rpm/tpm through the gateway', () => {
  let faults: FaultyUpstreams;
  beforeAll(async () => {
    faults = await startFaultyUpstreams({ a: 'openai', b: 'openai' });
  });
  afterAll(async () => {
    await faults.close();
  });

  it('skips a full deployment, and answers 429 with Retry-After when all are full', async () => {
    const gateway = await startRouterGateway({
      model_list: [
        deployment('chat', { id: 'a-1', upstream: faults.upstreams.a!, params: { rpm: 1 } }),
        deployment('chat', { id: 'b-1', upstream: faults.upstreams.b!, params: { rpm: 1 } }),
      ],
    });
    try {
      const ask = () =>
        gateway.openai.chat.completions.create({
          model: 'chat',
          messages: [{ role: 'user', content: 'hello' }],
        });
      await ask();
      await ask();
      // Each deployment took its one request of the minute.
      expect(faults.calls()).toEqual({ a: 1, b: 1 });
      const started = performance.now();
      const refused = await ask().catch((error: unknown) => error);
      // A minute is longer than the bounded wait: refused at once.
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      expect((refused as APIError).error).toMatchObject({
        code: 'rate_limit_exceeded',
        type: 'rate_limit_exceeded',
      });
      expect(Number((refused as APIError).headers?.get('retry-after'))).toBeGreaterThan(50);
      expect(faults.totalCalls()).toBe(2);
      const rows = await spendRows(gateway);
      expect(rows.map((row) => row.deploymentId ?? 'none').sort()).toEqual(['a-1', 'b-1', 'none']);
      const health = gateway.tollgate.deploymentHealth();
      expect(health.map((view) => [view.id, view.rpm, view.requestsThisMinute])).toEqual([
        ['a-1', 1, 1],
        ['b-1', 1, 1],
      ]);
    } finally {
      await gateway.close();
    }
  });
});

/** A limiter that refuses `refusals` times with the given Retry-After, then admits. */
function refusingLimiter(
  refusals: number,
  retryAfterSeconds: number,
): RateLimiter & {
  calls: number;
} {
  const limiter = {
    calls: 0,
    acquire(): RateLimitLease | RateLimitRejection {
      limiter.calls += 1;
      if (limiter.calls <= refusals) {
        return {
          ok: false,
          limit: 'rpm',
          retryAfterSeconds,
          remainingRequests: 0,
          remainingTokens: undefined,
        };
      }
      return {
        ok: true,
        remainingRequests: 0,
        remainingTokens: undefined,
        release: () => undefined,
        cancel: () => undefined,
      };
    },
  };
  return limiter;
}

describe('waiting for capacity', () => {
  const group = stubGroup('chat', [stubDeployment('only', { params: { rpm: 10 } })]);

  it('waits a bounded time for a deployment to free up, then serves', async () => {
    const limiter = refusingLimiter(1, 1);
    const router = new GatewayRouter({
      policy: policy(),
      resolveGroup: () => undefined,
      limiter,
      tuning: { maxQueueWaitMs: 1_500 },
    });
    const started = performance.now();
    const id = await router.route(context(), { group }, (handle) =>
      Promise.resolve(handle.deployment.id),
    );
    expect(id).toBe('only');
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(limiter.calls).toBe(2);
  });

  it('answers 429 with Retry-After when the wait would be longer than the bound', async () => {
    const router = new GatewayRouter({
      policy: policy(),
      resolveGroup: () => undefined,
      limiter: refusingLimiter(5, 3),
      tuning: { maxQueueWaitMs: 2_000 },
    });
    const error = await router
      .route(context(), { group }, () => Promise.resolve('never'))
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'rate_limit_exceeded', status: 429, retryAfterSeconds: 3 });
  });

  it('releases the deployment’s tpm estimate with the actual tokens when the request settles', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const tpmGroup = stubGroup('chat', [stubDeployment('tpm', { params: { tpm: 100 } })]);
    const router = new GatewayRouter({
      policy: policy(),
      resolveGroup: () => undefined,
      limiter,
      tuning: { now: () => now, maxQueueWaitMs: 0 },
    });
    // Estimated 10 tokens (40 bytes / 4), actually 60: the next 10-token estimate still fits,
    // a third does not.
    for (let index = 0; index < 2; index += 1) {
      const ctx = context();
      await router.route(ctx, { group: tpmGroup }, () => Promise.resolve('ok'));
      ctx.usage = { prompt_tokens: 10, completion_tokens: 50, total_tokens: 60 };
      router.release(ctx);
      now += 10;
    }
    const error = await router
      .route(context(), { group: tpmGroup }, () => Promise.resolve('ok'))
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(router.snapshot(tpmGroup.deployments)[0]).toMatchObject({
      tokensThisMinute: 120,
      inFlight: 0,
    });
  });
});
