import OpenAI from 'openai';
import type { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../support/test-gateway.js';
import {
  deployment,
  spendRows,
  startFaultyUpstreams,
  startRouterGateway,
  type FaultyUpstreams,
} from './support.js';

/** `retry_policy` (LiteLLM's per-error-kind retries) overrides `num_retries` per kind. */

let faults: FaultyUpstreams;
let gateway: TestGateway;

beforeAll(async () => {
  faults = await startFaultyUpstreams({ a: 'openai', b: 'openai', c: 'openai' });
});
afterAll(async () => {
  await faults.close();
});
beforeEach(async () => {
  faults.reset();
  const { upstreams } = faults;
  gateway = await startRouterGateway({
    model_list: [
      deployment('chat', { id: 'chat-a', upstream: upstreams.a! }),
      deployment('chat', { id: 'chat-b', upstream: upstreams.b! }),
      deployment('chat', { id: 'chat-c', upstream: upstreams.c! }),
    ],
    router_settings: {
      num_retries: 2,
      timeout: 0.5,
      retry_policy: {
        RateLimitErrorRetries: 0,
        TimeoutErrorRetries: 0,
        BadRequestErrorRetries: 1,
      },
    },
  });
});
afterEach(async () => {
  await gateway.close();
});

const ask = () =>
  gateway.openai.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hello' }],
  });

describe('retry_policy', () => {
  it('RateLimitErrorRetries: 0 answers an upstream 429 without retrying', async () => {
    faults.script('rate-limit');
    expect(await ask().catch((error: unknown) => error)).toBeInstanceOf(OpenAI.RateLimitError);
    expect(faults.totalCalls()).toBe(1);
  });

  it('TimeoutErrorRetries: 0 answers a timeout with 504 after one call', async () => {
    faults.script('hang');
    const error = await ask().catch((failure: unknown) => failure);
    expect((error as APIError).status).toBe(504);
    expect(faults.totalCalls()).toBe(1);
  });

  it('BadRequestErrorRetries: 1 retries an upstream 400 once', async () => {
    faults.script('bad-request', 'bad-request', 'bad-request');
    const error = await ask().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(faults.totalCalls()).toBe(2);
    const [row] = await spendRows(gateway);
    expect(row!.attempts.map((attempt) => attempt.errorCode)).toEqual([
      'upstream_bad_request',
      'upstream_bad_request',
    ]);
  });

  it('other kinds keep num_retries (2)', async () => {
    faults.script('server-error', 'server-error');
    const answer = await ask();
    expect(answer.choices[0]?.message.content).toBe('twenty tokens of answer');
    expect(faults.totalCalls()).toBe(3);
    const [row] = await spendRows(gateway);
    // Each retry went to a deployment not tried yet.
    expect(new Set(row!.attempts.map((attempt) => attempt.deploymentId)).size).toBe(3);
  });
});
