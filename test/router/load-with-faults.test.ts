import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../support/test-gateway.js';
import {
  deployment,
  spendRows,
  startFaultyUpstreams,
  startRouterGateway,
  type FaultyUpstreams,
} from './support.js';

/**
 * 64 concurrent clients through the openai SDK while one of three deployments fails 30 % of its
 * calls with a 500: every request succeeds, and no request makes more calls than its retries
 * allow. allowed_fails is high so that the failing deployment stays in rotation throughout.
 */

const CONCURRENCY = 64;
const REQUESTS_PER_CLIENT = 10;
const NUM_RETRIES = 2;

let faults: FaultyUpstreams;
let gateway: TestGateway;

beforeAll(async () => {
  faults = await startFaultyUpstreams({ a: 'openai', b: 'openai', c: 'openai' });
  const { upstreams } = faults;
  gateway = await startRouterGateway({
    model_list: [
      deployment('chat', { id: 'chat-a', upstream: upstreams.a! }),
      deployment('chat', { id: 'chat-b', upstream: upstreams.b! }),
      deployment('chat', { id: 'chat-c', upstream: upstreams.c! }),
    ],
    router_settings: { num_retries: NUM_RETRIES, allowed_fails: 100_000 },
  });
});
afterAll(async () => {
  await gateway.close();
  await faults.close();
});

describe('load with faults', () => {
  it('every request succeeds, within 1 + num_retries calls, each retry on another deployment', async () => {
    faults.failRandomly('a', { rate: 0.3, fault: 'server-error' });
    const client = async (): Promise<number> => {
      let ok = 0;
      for (let index = 0; index < REQUESTS_PER_CLIENT; index += 1) {
        const answer = await gateway.openai.chat.completions.create({
          model: 'chat',
          messages: [{ role: 'user', content: 'hello' }],
        });
        if (answer.choices[0]?.message.content === 'twenty tokens of answer') ok += 1;
      }
      return ok;
    };
    const results = await Promise.all(Array.from({ length: CONCURRENCY }, () => client()));
    const total = CONCURRENCY * REQUESTS_PER_CLIENT;
    expect(results.reduce((sum, ok) => sum + ok, 0)).toBe(total);

    const failures = faults.randomFailures('a');
    expect(failures).toBeGreaterThan(10);
    // One retry per failure, no more: the retry went to a healthy deployment and succeeded.
    expect(faults.totalCalls()).toBe(total + failures);

    const rows = await spendRows(gateway);
    expect(rows).toHaveLength(total);
    const attempts = rows.flatMap((row) => row.attempts);
    expect(attempts).toHaveLength(faults.totalCalls());
    for (const row of rows) {
      expect(row.status).toBe('success');
      expect(row.attempts.length).toBeLessThanOrEqual(1 + NUM_RETRIES);
      const ids = row.attempts.map((attempt) => attempt.deploymentId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(row.attempts.at(-1)!.errorCode).toBeNull();
    }
    const perDeployment = (id: string) =>
      attempts.filter((attempt) => attempt.deploymentId === id).length;
    expect(faults.calls()).toEqual({
      a: perDeployment('chat-a'),
      b: perDeployment('chat-b'),
      c: perDeployment('chat-c'),
    });
    expect(gateway.tollgate.deploymentHealth().map((view) => view.inFlight)).toEqual([0, 0, 0]);
  });
});
