import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { retriesFor, retryDelayMs } from './retry-policy.js';

const policy = (retryPolicy: Record<string, number> = {}) => ({ numRetries: 2, retryPolicy });
const tuning = {
  initialBackoffMs: 500,
  maxBackoffMs: 8_000,
  maxRetryAfterMs: 10_000,
  random: () => 1,
};

describe('retriesFor', () => {
  it('grants num_retries to retryable upstream errors only', () => {
    expect(
      retriesFor(new GatewayError('upstream_error', 'x', { upstreamStatus: 500 }), policy()),
    ).toBe(2);
    expect(retriesFor(new GatewayError('upstream_timeout', 'x'), policy())).toBe(2);
    expect(
      retriesFor(new GatewayError('upstream_bad_request', 'x', { upstreamStatus: 400 }), policy()),
    ).toBe(0);
    expect(
      retriesFor(new GatewayError('upstream_auth_failed', 'x', { upstreamStatus: 401 }), policy()),
    ).toBe(0);
  });

  it('lets retry_policy override per kind, never for client or gateway errors', () => {
    const custom = policy({
      RateLimitErrorRetries: 5,
      BadRequestErrorRetries: 1,
      ContentPolicyViolationErrorRetries: 1,
      AuthenticationErrorRetries: 1,
      InternalServerErrorRetries: 0,
    });
    expect(retriesFor(new GatewayError('upstream_rate_limited', 'x'), custom)).toBe(5);
    expect(retriesFor(new GatewayError('context_length_exceeded', 'x'), custom)).toBe(1);
    expect(retriesFor(new GatewayError('content_policy_violation', 'x'), custom)).toBe(1);
    expect(retriesFor(new GatewayError('upstream_auth_failed', 'x'), custom)).toBe(1);
    expect(retriesFor(new GatewayError('upstream_overloaded', 'x'), custom)).toBe(0);
    expect(retriesFor(new GatewayError('invalid_request', 'x'), custom)).toBe(0);
    expect(retriesFor(new GatewayError('unsupported_parameter', 'x'), custom)).toBe(0);
    expect(retriesFor(new GatewayError('client_closed_request', 'x'), custom)).toBe(0);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the initial backoff up to the cap, with 50–100 % jitter', () => {
    expect(
      [0, 1, 2, 5].map((retry) =>
        retryDelayMs(retry, new GatewayError('upstream_error', 'x'), tuning),
      ),
    ).toEqual([500, 1_000, 2_000, 8_000]);
    const low = { ...tuning, random: () => 0 };
    expect(retryDelayMs(1, new GatewayError('upstream_error', 'x'), low)).toBe(500);
  });

  it('waits at least the upstream Retry-After, and gives up on one longer than it waits out', () => {
    const limited = (seconds: number) =>
      new GatewayError('upstream_rate_limited', 'x', { retryAfterSeconds: seconds });
    expect(retryDelayMs(0, limited(3), tuning)).toBe(3_000);
    expect(retryDelayMs(0, limited(30), tuning)).toBeUndefined();
  });
});
