import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { loadJson } from '../../../test/support/fake-upstream.js';
import { mapAnthropicHttpError, mapAnthropicStreamError } from './anthropic-error.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const SECRET = 'sk-ant-api03-secret-0123456789abcdef';
const target = { provider: 'anthropic', secrets: [SECRET] };

function summary(error: GatewayError) {
  return {
    code: error.code,
    status: error.status,
    layer: error.layer,
    provider: error.provider,
    upstreamStatus: error.upstreamStatus,
    isRetryable: error.isRetryable,
    retryAfterSeconds: error.retryAfterSeconds,
  };
}

async function httpError(status: number, name: string, headers: Record<string, string> = {}) {
  const text = JSON.stringify(await loadJson(fixture(name)));
  return mapAnthropicHttpError({ status, headers, text }, target);
}

describe('mapAnthropicHttpError', () => {
  it.each([
    [429, 'anthropic-error-rate-limit.json', 'upstream_rate_limited', 429, true],
    [529, 'anthropic-error-overloaded.json', 'upstream_overloaded', 502, true],
    [503, 'anthropic-error-overloaded.json', 'upstream_overloaded', 502, true],
    [500, 'anthropic-error-server.json', 'upstream_error', 502, true],
    [400, 'anthropic-error-prompt-too-long.json', 'context_length_exceeded', 400, false],
    [400, 'anthropic-error-invalid-request.json', 'upstream_bad_request', 400, false],
    [401, 'anthropic-error-authentication.json', 'upstream_auth_failed', 502, false],
  ] as const)('HTTP %d %s → %s', async (status, name, code, gatewayStatus, retryable) => {
    const error = await httpError(status, name);
    expect(summary(error)).toEqual({
      code,
      status: gatewayStatus,
      layer: 'provider',
      provider: 'anthropic',
      upstreamStatus: status,
      isRetryable: retryable,
      retryAfterSeconds: undefined,
    });
  });

  it('keeps Retry-After and quotes the upstream message', async () => {
    const error = await httpError(429, 'anthropic-error-rate-limit.json', { 'retry-after': '17' });
    expect(error.retryAfterSeconds).toBe(17);
    expect(error.message).toMatch(/^anthropic returned HTTP 429: This request would exceed/);
  });

  it('maps the content filtering refusal to content_policy_violation', () => {
    const text = JSON.stringify({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'Output blocked by content filtering policy',
      },
    });
    expect(mapAnthropicHttpError({ status: 400, headers: {}, text }, target).code).toBe(
      'content_policy_violation',
    );
  });

  it('redacts the deployment key from the quoted body and message', () => {
    const text = JSON.stringify({
      type: 'error',
      error: { type: 'authentication_error', message: `invalid x-api-key ${SECRET}` },
    });
    const error = mapAnthropicHttpError({ status: 401, headers: {}, text }, target);
    expect(error.message).not.toContain(SECRET);
    expect(error.upstreamBody).not.toContain(SECRET);
    expect(error.message).toContain("rejected the gateway's upstream credentials");
  });

  it('handles a body that is not Anthropic JSON (an HTML error page)', () => {
    const error = mapAnthropicHttpError(
      { status: 502, headers: {}, text: '<html>Bad Gateway</html>' },
      target,
    );
    expect(summary(error)).toMatchObject({ code: 'upstream_error', isRetryable: true });
    expect(error.upstreamBody).toBe('<html>Bad Gateway</html>');
  });
});

describe('mapAnthropicStreamError', () => {
  it.each([
    ['overloaded_error', 'upstream_overloaded', true],
    ['api_error', 'upstream_error', true],
    ['rate_limit_error', 'upstream_rate_limited', true],
    ['invalid_request_error', 'upstream_bad_request', false],
    ['authentication_error', 'upstream_auth_failed', false],
    ['something_new', 'upstream_error', true],
  ])('%s → %s', (type, code, retryable) => {
    const raw = JSON.stringify({ type: 'error', error: { type, message: 'Details' } });
    const error = mapAnthropicStreamError(raw, target);
    expect({ code: error.code, retryable: error.isRetryable, provider: error.provider }).toEqual({
      code,
      retryable,
      provider: 'anthropic',
    });
    expect(error.upstreamBody).toBe(raw);
  });

  it('recognises a prompt that is too long', () => {
    const raw = JSON.stringify({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'prompt is too long: 210000 tokens > 200000 maximum',
      },
    });
    expect(mapAnthropicStreamError(raw, target).code).toBe('context_length_exceeded');
  });
});
