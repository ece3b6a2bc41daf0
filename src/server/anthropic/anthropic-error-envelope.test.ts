import { describe, expect, it } from 'vitest';
import { GatewayError, type ErrorCode } from '../../core/errors.js';
import { anthropicErrorType, toAnthropicErrorEnvelope } from './anthropic-error-envelope.js';

describe('the Anthropic error envelope', () => {
  it.each<[ErrorCode, number, string]>([
    ['invalid_json', 400, 'invalid_request_error'],
    ['unsupported_parameter', 400, 'invalid_request_error'],
    ['context_length_exceeded', 400, 'invalid_request_error'],
    ['invalid_api_key', 401, 'authentication_error'],
    ['model_not_allowed', 403, 'permission_error'],
    ['model_not_found', 404, 'not_found_error'],
    ['method_not_allowed', 405, 'invalid_request_error'],
    ['request_timeout', 408, 'timeout_error'],
    ['payload_too_large', 413, 'request_too_large'],
    ['rate_limit_exceeded', 429, 'rate_limit_error'],
    ['upstream_rate_limited', 429, 'rate_limit_error'],
    ['budget_exceeded', 429, 'billing_error'],
    ['internal_error', 500, 'api_error'],
    ['upstream_error', 502, 'api_error'],
    ['upstream_auth_failed', 502, 'api_error'],
    ['upstream_overloaded', 502, 'overloaded_error'],
    ['no_healthy_deployment', 503, 'overloaded_error'],
    ['upstream_timeout', 504, 'timeout_error'],
  ])('%s keeps status %i with type %s', (code, status, type) => {
    const error = new GatewayError(code, 'x');
    expect(error.status).toBe(status);
    expect(anthropicErrorType(error)).toBe(type);
  });

  it("carries Tollgate's details beside Anthropic's fields", () => {
    const error = new GatewayError('upstream_rate_limited', 'Slow down', {
      provider: 'openai',
      upstreamStatus: 429,
      upstreamBody: '{"error":{}}',
    });
    expect(toAnthropicErrorEnvelope(error, 'req-1')).toEqual({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Slow down',
        code: 'upstream_rate_limited',
        layer: 'provider',
        provider: 'openai',
        upstream_status: 429,
        upstream_body: '{"error":{}}',
      },
      request_id: 'req-1',
    });
    const client = new GatewayError('invalid_request', 'Bad', { param: 'max_tokens' });
    expect(toAnthropicErrorEnvelope(client)).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'Bad',
        code: 'invalid_request',
        layer: 'client',
        param: 'max_tokens',
      },
    });
  });
});
