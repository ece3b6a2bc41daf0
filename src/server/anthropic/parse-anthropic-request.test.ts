import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import {
  parseAnthropicCountTokensRequest,
  parseAnthropicRequest,
} from './parse-anthropic-request.js';

function failure(body: unknown): GatewayError {
  try {
    parseAnthropicRequest(body);
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected a failure');
}

const valid = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

describe('parseAnthropicRequest', () => {
  it('accepts a minimal request and keeps the raw body', () => {
    const body = { ...valid, new_field: 1 };
    const parsed = parseAnthropicRequest(body);
    expect(parsed.raw).toBe(body);
    expect(parsed.request).toMatchObject({ ...valid, new_field: 1 });
  });

  it('requires max_tokens, as Anthropic does', () => {
    const error = failure({ model: 'm', messages: valid.messages });
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, param: 'max_tokens' });
  });

  it('names the field of a wrong type, inside content blocks too', () => {
    expect(failure({ ...valid, messages: 'hi' })).toMatchObject({ param: 'messages' });
    expect(failure({ ...valid, temperature: 1.5 })).toMatchObject({ param: 'temperature' });
    const block = failure({
      ...valid,
      messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }],
    });
    expect(block.param).toBe('messages[0].content[0].text');
    expect(block.message).toMatch(/messages\[0\]\.content\[0\]\.text/);
    const tool = failure({ ...valid, tools: [{ name: 'f' }] });
    expect(tool.param).toBe('tools[0].input_schema');
    const thinking = failure({ ...valid, thinking: { type: 'enabled' } });
    expect(thinking.param).toBe('thinking.budget_tokens');
  });

  it('parses blocks and tools of unknown types as unsupported', () => {
    const { request } = parseAnthropicRequest({
      ...valid,
      messages: [{ role: 'user', content: [{ type: 'search_result', anything: true }] }],
      tools: [{ type: 'bash_20250124', name: 'bash' }],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'unsupported', blockType: 'search_result' },
    ]);
    expect(request.tools).toEqual([{ type: 'unsupported', toolType: 'bash_20250124' }]);
  });

  it('count_tokens needs no max_tokens', () => {
    const { request } = parseAnthropicCountTokensRequest({ model: 'm', messages: valid.messages });
    expect(request.max_tokens).toBeUndefined();
  });
});
