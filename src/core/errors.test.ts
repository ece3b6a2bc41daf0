import { describe, expect, it } from 'vitest';
import {
  codeForUpstreamStatus,
  ERROR_CODES,
  GatewayError,
  parseRetryAfter,
  toGatewayError,
} from './errors.js';
import { redactSecrets, redactUpstreamBody } from './redact.js';

describe('GatewayError', () => {
  it('takes status, layer and type from its code', () => {
    const error = new GatewayError('budget_exceeded', 'no money');
    expect(error).toMatchObject({
      status: 429,
      layer: 'policy',
      type: 'budget_exceeded',
      isRetryable: false,
    });
  });

  it('retries provider failures that are transient, never client or policy ones', () => {
    expect(new GatewayError('upstream_error', 'x', { upstreamStatus: 500 }).isRetryable).toBe(true);
    expect(
      new GatewayError('upstream_rate_limited', 'x', { upstreamStatus: 429 }).isRetryable,
    ).toBe(true);
    expect(new GatewayError('upstream_timeout', 'x').isRetryable).toBe(true);
    expect(new GatewayError('upstream_bad_request', 'x', { upstreamStatus: 400 }).isRetryable).toBe(
      false,
    );
    expect(new GatewayError('upstream_auth_failed', 'x', { upstreamStatus: 401 }).isRetryable).toBe(
      false,
    );
    expect(new GatewayError('rate_limit_exceeded', 'x').isRetryable).toBe(false);
    expect(new GatewayError('invalid_request', 'x').isRetryable).toBe(false);
  });

  it('maps upstream statuses so that an upstream 401 is never the client 401', () => {
    expect(ERROR_CODES[codeForUpstreamStatus(401)].status).toBe(502);
    expect(ERROR_CODES[codeForUpstreamStatus(403)].status).toBe(502);
    expect(ERROR_CODES[codeForUpstreamStatus(404)].status).toBe(502);
    expect(ERROR_CODES[codeForUpstreamStatus(429)].status).toBe(429);
    expect(ERROR_CODES[codeForUpstreamStatus(500)].status).toBe(502);
    expect(ERROR_CODES[codeForUpstreamStatus(529)].status).toBe(502);
    expect(ERROR_CODES[codeForUpstreamStatus(504)].status).toBe(504);
    expect(ERROR_CODES[codeForUpstreamStatus(400)].status).toBe(400);
  });

  it('masks unexpected errors as internal gateway errors', () => {
    const wrapped = toGatewayError(new TypeError('secret internals'));
    expect(wrapped).toMatchObject({ code: 'internal_error', status: 500, layer: 'gateway' });
    expect(wrapped.message).not.toContain('secret');
  });

  it('parses Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(new Date(10_000 + 3_000).toUTCString(), 10_000)).toBe(3);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('redaction', () => {
  it('removes key shapes, bearer tokens, JSON secret fields and known secrets', () => {
    const text =
      'key sk-proj-abcdefghijklmnop Bearer abc.def.ghijklmnop {"api_key": "hunter2-secret"} AIzaSyA1234567890123456789012 my-own-secret-value';
    const out = redactSecrets(text, ['my-own-secret-value']);
    expect(out).not.toMatch(/sk-proj|abc\.def|hunter2|AIzaSy|my-own-secret/);
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('"api_key": "[REDACTED]"');
  });

  it('truncates long upstream bodies', () => {
    expect(redactUpstreamBody('x'.repeat(5000)).length).toBeLessThan(2100);
  });
});
