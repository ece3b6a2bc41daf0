import { describe, expect, it } from 'vitest';
import type { ChatChunk, ChatDelta } from '../../core/chat-chunk.js';
import type { FinishReason } from '../../core/chat-response.js';
import type { Usage } from '../../core/usage.js';
import type { AnthropicStreamEvent } from './anthropic-response.js';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.js';

const base = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x' };

function chunk(delta: ChatDelta, finish: FinishReason | null = null): ChatChunk {
  return {
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function usageChunk(usage: Usage): ChatChunk {
  return { ...base, object: 'chat.completion.chunk', choices: [], usage };
}

function encode(chunks: readonly ChatChunk[]): AnthropicStreamEvent[] {
  const encoder = new AnthropicStreamEncoder('requested');
  return [...chunks.flatMap((c) => encoder.push(c)), ...encoder.finish()];
}

/** `type[index]:detail` per event, to read the sequence at a glance. */
function outline(events: readonly AnthropicStreamEvent[]): string[] {
  return events.map((event) => {
    switch (event.type) {
      case 'content_block_start':
        return `start[${event.index}]:${event.content_block.type}`;
      case 'content_block_delta': {
        const { type, ...rest } = event.delta;
        return `delta[${event.index}]:${type}=${Object.values(rest).join('')}`;
      }
      case 'content_block_stop':
        return `stop[${event.index}]`;
      case 'message_delta':
        return `message_delta:${event.delta.stop_reason}`;
      default:
        return event.type;
    }
  });
}

describe('AnthropicStreamEncoder', () => {
  it('encodes a text stream with the final usage', () => {
    const events = encode([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hello' }),
      chunk({ content: ' world' }),
      chunk({}, 'stop'),
      usageChunk({
        prompt_tokens: 30,
        completion_tokens: 2,
        total_tokens: 32,
        prompt_tokens_details: { cached_tokens: 20 },
      }),
    ]);
    expect(events[0]).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_chatcmpl-s1',
        type: 'message',
        role: 'assistant',
        model: 'gpt-x',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
    expect(outline(events)).toEqual([
      'message_start',
      'start[0]:text',
      'delta[0]:text_delta=Hello',
      'delta[0]:text_delta= world',
      'stop[0]',
      'message_delta:end_turn',
      'message_stop',
    ]);
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 10,
        output_tokens: 2,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 20,
      },
    });
  });

  it('encodes thinking with its signature, then text', () => {
    const events = encode([
      chunk({ reasoning_content: 'Let me ' }),
      chunk({ reasoning_content: 'think.' }),
      chunk({ provider_metadata: { anthropic: { signature: 'sig==' } } }),
      chunk({ content: 'Answer.' }),
      chunk(
        { provider_metadata: { anthropic: { stop_reason: 'stop_sequence', stop_sequence: '##' } } },
        'stop',
      ),
    ]);
    expect(outline(events)).toEqual([
      'message_start',
      'start[0]:thinking',
      'delta[0]:thinking_delta=Let me ',
      'delta[0]:thinking_delta=think.',
      'delta[0]:signature_delta=sig==',
      'stop[0]',
      'start[1]:text',
      'delta[1]:text_delta=Answer.',
      'stop[1]',
      'message_delta:stop_sequence',
      'message_stop',
    ]);
    expect(events.at(-2)).toMatchObject({ delta: { stop_sequence: '##' } });
  });

  it('passes redacted thinking and server-tool blocks whole; ignores the finish summary', () => {
    const searchUse = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} };
    const events = encode([
      chunk({ provider_metadata: { anthropic: { redacted_thinking: ['EmwK'] } } }),
      chunk({ provider_metadata: { anthropic: { content: [searchUse] } } }),
      chunk({ content: 'Found it.' }),
      // The anthropic adapter sums the turn up on its finish chunk: nothing new to stream.
      chunk(
        {
          provider_metadata: {
            anthropic: { stop_reason: 'end_turn', signature: 'sig', redacted_thinking: ['EmwK'] },
          },
        },
        'stop',
      ),
    ]);
    expect(outline(events)).toEqual([
      'message_start',
      'start[0]:redacted_thinking',
      'stop[0]',
      'start[1]:server_tool_use',
      'stop[1]',
      'start[2]:text',
      'delta[2]:text_delta=Found it.',
      'stop[2]',
      'message_delta:end_turn',
      'message_stop',
    ]);
    expect(events[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'redacted_thinking', data: 'EmwK' },
    });
    expect(events[3]).toMatchObject({ content_block: searchUse });
  });

  it('encodes parallel tool calls as tool_use blocks with input_json_delta', () => {
    const events = encode([
      chunk({ content: 'Checking.' }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_a',
            type: 'function',
            function: { name: 'weather', arguments: '' },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      }),
      chunk({}, 'tool_calls'),
    ]);
    expect(outline(events)).toEqual([
      'message_start',
      'start[0]:text',
      'delta[0]:text_delta=Checking.',
      'stop[0]',
      'start[1]:tool_use',
      'delta[1]:input_json_delta={"city":',
      'delta[1]:input_json_delta="Paris"}',
      'stop[1]',
      'start[2]:tool_use',
      'delta[2]:input_json_delta={}',
      'stop[2]',
      'message_delta:tool_use',
      'message_stop',
    ]);
    expect(events[4]).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_a', name: 'weather', input: {} },
    });
  });

  it('an empty stream still starts and ends a message', () => {
    const encoder = new AnthropicStreamEncoder('requested');
    const events = encoder.finish();
    expect(outline(events)).toEqual(['message_start', 'message_delta:end_turn', 'message_stop']);
    expect(events[0]).toMatchObject({ message: { model: 'requested' } });
  });

  it('maps length and refusals', () => {
    expect(outline(encode([chunk({ content: 'a' }, 'length')])).at(-2)).toBe(
      'message_delta:max_tokens',
    );
    expect(outline(encode([chunk({ refusal: 'No.' }, 'stop')]))).toEqual([
      'message_start',
      'start[0]:text',
      'delta[0]:text_delta=No.',
      'stop[0]',
      'message_delta:refusal',
      'message_stop',
    ]);
  });
});
