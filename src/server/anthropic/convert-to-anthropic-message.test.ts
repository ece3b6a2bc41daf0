import { describe, expect, it } from 'vitest';
import type { ChatResponse, ResponseMessage } from '../../core/chat-response.js';
import { GatewayError } from '../../core/errors.js';
import { convertToAnthropicMessage } from './convert-to-anthropic-message.js';
import { mapToAnthropicStopReason } from './map-to-anthropic-stop-reason.js';
import { mapToAnthropicUsage } from './map-to-anthropic-usage.js';

function response(
  message: Partial<ResponseMessage>,
  extra: Partial<ChatResponse> & { finish?: ChatResponse['choices'][number]['finish_reason'] } = {},
): ChatResponse {
  const { finish, ...rest } = extra;
  return {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, ...message },
        finish_reason: finish ?? 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ...rest,
  };
}

describe('convertToAnthropicMessage', () => {
  it('converts text with usage', () => {
    expect(convertToAnthropicMessage(response({ content: 'Hello!' }))).toEqual({
      id: 'msg_chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('orders thinking, text and tool calls, and parses tool input', () => {
    const message = convertToAnthropicMessage(
      response(
        {
          content: 'Let me check.',
          reasoning_content: 'The user wants weather.',
          provider_metadata: { anthropic: { signature: 'sig-abc' } },
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'now', arguments: '' } },
          ],
        },
        { finish: 'tool_calls', id: 'msg_01abc' },
      ),
    );
    expect(message.id).toBe('msg_01abc');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig-abc' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'now', input: {} },
    ]);
  });

  it('prefers the thinking blocks an anthropic deployment kept', () => {
    const message = convertToAnthropicMessage(
      response({
        content: 'Done.',
        reasoning_content: 'a\nb',
        provider_metadata: {
          anthropic: {
            thinking_blocks: [
              { type: 'thinking', thinking: 'a', signature: 's1' },
              { type: 'redacted_thinking', data: 'xyz' },
              { type: 'bogus' },
            ],
          },
        },
      }),
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'a', signature: 's1' },
      { type: 'redacted_thinking', data: 'xyz' },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('returns redacted thinking and blocks with no canonical form', () => {
    const search = { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] };
    const message = convertToAnthropicMessage(
      response({
        content: 'Found.',
        reasoning_content: 'Search first.',
        provider_metadata: {
          anthropic: { signature: 's', redacted_thinking: ['EmwK'], content: [search, 'junk'] },
        },
      }),
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Search first.', signature: 's' },
      { type: 'redacted_thinking', data: 'EmwK' },
      search,
      { type: 'text', text: 'Found.' },
    ]);
  });

  it('returns a refusal as text with stop_reason refusal', () => {
    const message = convertToAnthropicMessage(response({ refusal: 'I cannot help with that.' }));
    expect(message.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(message.stop_reason).toBe('refusal');
  });

  it('refuses tool arguments that are not a JSON object', () => {
    const bad = response({
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1,2]' } }],
    });
    expect(() => convertToAnthropicMessage(bad)).toThrow(GatewayError);
  });
});

describe('mapToAnthropicStopReason', () => {
  it('maps canonical finish reasons', () => {
    expect(mapToAnthropicStopReason('stop', {}).stop_reason).toBe('end_turn');
    expect(mapToAnthropicStopReason('length', {}).stop_reason).toBe('max_tokens');
    expect(mapToAnthropicStopReason('tool_calls', {}).stop_reason).toBe('tool_use');
    expect(mapToAnthropicStopReason('content_filter', {}).stop_reason).toBe('refusal');
    expect(mapToAnthropicStopReason(null, {}).stop_reason).toBe('end_turn');
  });

  it("keeps an anthropic deployment's raw stop reason and matched sequence", () => {
    expect(
      mapToAnthropicStopReason('stop', { stop_reason: 'stop_sequence', stop_sequence: '###' }),
    ).toEqual({ stop_reason: 'stop_sequence', stop_sequence: '###' });
    expect(mapToAnthropicStopReason('stop', { stop_reason: 'pause_turn' }).stop_reason).toBe(
      'pause_turn',
    );
    expect(mapToAnthropicStopReason('length', { stop_reason: 'weird' }).stop_reason).toBe(
      'max_tokens',
    );
  });
});

describe('mapToAnthropicUsage', () => {
  it('takes cache reads and writes out of input_tokens', () => {
    expect(
      mapToAnthropicUsage({
        prompt_tokens: 1000,
        completion_tokens: 50,
        total_tokens: 1050,
        prompt_tokens_details: { cached_tokens: 800, cache_creation_tokens: 150 },
        completion_tokens_details: { reasoning_tokens: 20 },
      }),
    ).toEqual({
      input_tokens: 50,
      output_tokens: 50,
      cache_creation_input_tokens: 150,
      cache_read_input_tokens: 800,
    });
  });
});
