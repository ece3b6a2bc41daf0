import { describe, expect, it } from 'vitest';
import type { ResolvedDeployment } from '../deployment.js';
import { GatewayError } from '../errors.js';
import { DeploymentHealth } from './deployment-health.js';
import { shuffleWeights } from './group-routing.js';

function deployment(id: string, params: Record<string, unknown> = {}): ResolvedDeployment {
  return {
    id,
    modelGroup: 'chat',
    provider: 'stub',
    providerModel: id,
    apiBase: undefined,
    apiKey: undefined,
    apiVersion: undefined,
    timeoutMs: 1_000,
    streamTimeoutMs: 1_000,
    extraHeaders: {},
    params,
    modelInfo: {},
  };
}

function registry(now: { value: number }, cooldownMs = 30_000): DeploymentHealth {
  return new DeploymentHealth({
    allowedFails: 2,
    cooldownMs,
    maxRetryAfterMs: 60_000,
    ewmaAlpha: 0.5,
    now: () => now.value,
  });
}

const serverError = new GatewayError('upstream_error', 'x', { upstreamStatus: 500 });
const fail = (error: GatewayError, groupSize = 3) => ({ error, latencyMs: 10, groupSize });

describe('DeploymentHealth', () => {
  it('cools a deployment down after more than allowed_fails failures within a minute', () => {
    const now = { value: 0 };
    const health = registry(now);
    const state = health.stateOf(deployment('a'));
    health.recordFailure(state, fail(serverError));
    now.value = 61_000; // the first failure has left the window
    health.recordFailure(state, fail(serverError));
    health.recordFailure(state, fail(serverError));
    expect(state.isCooling(now.value)).toBe(false);
    health.recordFailure(state, fail(serverError));
    expect(state.coolingUntil).toBe(91_000);
    expect(health.snapshot([state.deployment])[0]).toMatchObject({
      healthy: false,
      cooldownReason: 'upstream_error',
      coolingDownUntil: 91_000,
    });
  });

  it('cools down at once on 429/401/404, for at least the Retry-After', () => {
    const now = { value: 0 };
    const health = registry(now, 5_000);
    const state = health.stateOf(deployment('a'));
    const limited = new GatewayError('upstream_rate_limited', 'x', { retryAfterSeconds: 20 });
    health.recordFailure(state, fail(limited));
    expect(state.coolingUntil).toBe(20_000);
    const other = health.stateOf(deployment('b'));
    health.recordFailure(other, fail(new GatewayError('upstream_auth_failed', 'x')));
    expect(other.coolingUntil).toBe(5_000);
  });

  it('never cools the only deployment of a group, nor for errors the request caused', () => {
    const now = { value: 0 };
    const health = registry(now);
    const solo = health.stateOf(deployment('solo'));
    health.recordFailure(solo, fail(new GatewayError('upstream_rate_limited', 'x'), 1));
    for (let index = 0; index < 5; index += 1) health.recordFailure(solo, fail(serverError, 1));
    expect(solo.isCooling(0)).toBe(false);
    const shared = health.stateOf(deployment('shared'));
    for (let index = 0; index < 5; index += 1) {
      health.recordFailure(shared, fail(new GatewayError('context_length_exceeded', 'x')));
    }
    expect(shared.isCooling(0)).toBe(false);
    expect(health.snapshot([shared.deployment])[0]).toMatchObject({
      recentFailures: 0,
      failures: 5,
    });
  });

  it('keeps moving averages of latency and time to first token', () => {
    const health = registry({ value: 0 });
    const state = health.stateOf(deployment('a'));
    health.recordSuccess(state, { latencyMs: 100, streaming: false });
    health.recordSuccess(state, { latencyMs: 200, streaming: false });
    health.recordSuccess(state, { latencyMs: 40, streaming: true });
    expect([state.latencyMs, state.ttftMs]).toEqual([150, 40]);
  });
});

describe('shuffleWeights', () => {
  const health = registry({ value: 0 });
  const weights = (...params: Array<Record<string, unknown>>) =>
    Array.from(
      shuffleWeights(params.map((p, index) => health.stateOf(deployment(`d${index}`, p)))),
    );

  it('prefers weight, then rpm, then tpm, else equal', () => {
    expect(weights({ weight: 3, rpm: 10 }, { rpm: 90 })).toEqual([3, 1]);
    expect(weights({ rpm: 10, tpm: 5 }, { rpm: 90 })).toEqual([10, 90]);
    expect(weights({ tpm: 1_000 }, {})).toEqual([1_000, 1_000]);
    expect(weights({}, {})).toEqual([1, 1]);
  });
});
