import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../support/test-gateway.js';
import {
  deployment,
  startFaultyUpstreams,
  startRouterGateway,
  type FaultyUpstreams,
} from './support.js';

/**
 * Cooldowns as operators see them: GET /health/readiness and `tollgate.deploymentHealth()` show
 * a cooled deployment and until when; it gets no traffic meanwhile, and traffic again after.
 */

let faults: FaultyUpstreams;
let gateway: TestGateway;
/** The gateway's clock runs `offset` ms ahead of the real one. */
let offset = 0;

beforeAll(async () => {
  faults = await startFaultyUpstreams({ a: 'openai', b: 'openai' });
});
afterAll(async () => {
  await faults.close();
});
beforeEach(async () => {
  faults.reset();
  offset = 0;
  gateway = await startRouterGateway(
    {
      model_list: [
        deployment('chat', { id: 'chat-a', upstream: faults.upstreams.a! }),
        deployment('chat', { id: 'chat-b', upstream: faults.upstreams.b! }),
      ],
      router_settings: { num_retries: 1, cooldown_time: 30 },
    },
    { now: () => Date.now() + offset },
  );
});
afterEach(async () => {
  await gateway.close();
});

const ask = () =>
  gateway.openai.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hello' }],
  });

async function readiness(): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.url}/health/readiness`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('cooldowns', () => {
  it('show in readiness, keep traffic away for cooldown_time, and end', async () => {
    faults.script({ fault: 'rate-limit', on: 'a' });
    for (let index = 0; index < 40 && faults.calls().a === 0; index += 1) await ask();
    expect(faults.calls().a).toBe(1);

    const cooling = await readiness();
    expect(cooling).toMatchObject({ status: 'ready', database: 'ok', deployments: 2 });
    expect(cooling.coolingDown).toEqual([
      {
        id: 'chat-a',
        modelGroup: 'chat',
        reason: 'upstream_rate_limited',
        until: expect.any(String) as unknown,
      },
    ]);
    const until = Date.parse((cooling.coolingDown as Array<{ until: string }>)[0]!.until);
    expect(until - (Date.now() + offset)).toBeGreaterThan(28_000);

    for (let index = 0; index < 10; index += 1) await ask();
    expect(faults.calls().a).toBe(1);

    offset += 31_000;
    expect((await readiness()).coolingDown).toEqual([]);
    expect(gateway.tollgate.deploymentHealth().map((view) => view.healthy)).toEqual([true, true]);
    for (let index = 0; index < 30; index += 1) await ask();
    expect(faults.calls().a).toBeGreaterThan(1);
  });

  it('the health accessor reports latency, in-flight and failures per deployment', async () => {
    faults.script({ fault: 'server-error', on: 'b' });
    for (let index = 0; index < 20; index += 1) await ask();
    const [a, b] = gateway.tollgate.deploymentHealth();
    expect(a).toMatchObject({ id: 'chat-a', modelGroup: 'chat', provider: 'openai', inFlight: 0 });
    expect(a!.latencyMs).toBeGreaterThan(0);
    expect(b).toMatchObject({
      id: 'chat-b',
      healthy: true,
      recentFailures: 1,
      failures: 1,
      lastError: { code: 'upstream_error' },
    });
    expect(a!.successes + b!.successes).toBe(20);
  });
});
