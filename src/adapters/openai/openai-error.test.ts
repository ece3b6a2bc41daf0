import { describe, expect, it } from 'vitest';
import type { UpstreamJsonResponse } from '../../core/upstream-http.js';
import { mapOpenAIHttpError, mapOpenAIStreamError } from './openai-error.js';

const target = { provider: 'openai', secrets: ['sk-live-secret-123456'] };

function response(status: number, body: unknown, headers = {}): UpstreamJsonResponse {
  return { status, headers, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

describe('mapOpenAIHttpError', () => {
  it.each([
    {
      name: 'vLLM context length (numeric code, message only)',
      status: 400,
      body: {
        object: 'error',
        message:
          "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
      code: 'context_length_exceeded',
    },
    {
      name: 'a plain string error',
      status: 404,
      body: { error: 'Unexpected endpoint or method. (POST /v1/chat/completion)' },
      code: 'upstream_not_found',
    },
    {
      name: 'an HTML proxy page',
      status: 502,
      body: '<html>Bad Gateway</html>',
      code: 'upstream_error',
    },
    { name: 'an empty 503', status: 503, body: '', code: 'upstream_error' },
    { name: 'a 504 from a proxy', status: 504, body: '', code: 'upstream_timeout' },
    {
      name: 'a plain 400',
      status: 400,
      body: {
        error: { message: 'bad', type: 'invalid_request_error', param: 'top_p', code: null },
      },
      code: 'upstream_bad_request',
    },
    {
      name: 'OpenAI invalid_prompt (usage policy)',
      status: 400,
      body: {
        error: {
          message:
            'Invalid prompt: your prompt was flagged as potentially violating our usage policy.',
          type: 'invalid_request_error',
          code: 'invalid_prompt',
        },
      },
      code: 'content_policy_violation',
    },
  ])('maps $name', ({ status, body, code }) => {
    expect(mapOpenAIHttpError(response(status, body), target).code).toBe(code);
  });

  it('keeps the upstream param on client-side codes', () => {
    const error = mapOpenAIHttpError(
      response(400, { error: { message: 'bad', type: 'invalid_request_error', param: 'top_p' } }),
      target,
    );
    expect(error.param).toBe('top_p');
    expect(error.message).toBe('openai returned HTTP 400: bad');
  });

  it('says whose credential failed on 401', () => {
    const error = mapOpenAIHttpError(
      response(401, { error: { message: 'Incorrect API key provided: sk-live-secret-123456.' } }),
      target,
    );
    expect(error.message).toBe(
      "openai rejected the gateway's upstream credentials (HTTP 401): Incorrect API key provided: [REDACTED].",
    );
    expect(error.status).toBe(502);
  });

  it('reads Retry-After as an HTTP date', () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    const error = mapOpenAIHttpError(response(429, '', { 'retry-after': date }), target);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30);
  });
});

describe('mapOpenAIStreamError', () => {
  it.each([
    [{ message: 'x', type: 'server_error' }, 'upstream_error'],
    [
      { message: 'x', type: 'invalid_request_error', code: 'context_length_exceeded' },
      'context_length_exceeded',
    ],
    [{ message: 'x', type: 'invalid_request_error' }, 'upstream_bad_request'],
    [{ message: 'x', code: 'content_filter' }, 'content_policy_violation'],
    [{ message: 'x', type: 'insufficient_quota' }, 'upstream_rate_limited'],
    [{ message: 'x', code: 'invalid_api_key' }, 'upstream_auth_failed'],
    ['overloaded', 'upstream_error'],
  ])('maps %j to %s', (error, code) => {
    expect(mapOpenAIStreamError({ error }, JSON.stringify({ error }), target).code).toBe(code);
  });
});
