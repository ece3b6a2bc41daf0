import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import { makeCallOptions } from '../../../test/support/adapter-harness.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

const convert = (messages: ChatMessage[], options = makeCallOptions()) =>
  convertToAnthropicMessages(messages, options);

describe('convertToAnthropicMessages', () => {
  it('lifts system and developer messages to system, in order', () => {
    expect(
      convert([
        { role: 'system', content: 'Be terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
      ]),
    ).toEqual({
      system: [
        { type: 'text', text: 'Be terse.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('merges consecutive turns of the same role', () => {
    expect(
      convert([
        { role: 'user', content: 'One.' },
        { role: 'user', content: 'Two.' },
        { role: 'assistant', content: 'Three.' },
        { role: 'assistant', content: 'Four.' },
      ]).messages,
    ).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'One.' },
          { type: 'text', text: 'Two.' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Three.' },
          { type: 'text', text: 'Four.' },
        ],
      },
    ]);
  });

  it('sends parallel tool calls and their results as one assistant and one user turn', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris and Tokyo?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
          },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '22°C' }] },
      { role: 'user', content: 'Which is warmer?' },
    ];
    expect(convert(messages).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: [{ type: 'text', text: '22°C' }],
          },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
  });

  it('puts tool results first when a user message came before them', () => {
    const messages: ChatMessage[] = [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'user', content: 'Also, hurry.' },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'done' },
    ];
    expect(convert(messages).messages[1]?.content.map((block) => block.type)).toEqual([
      'tool_result',
      'text',
    ]);
  });

  it('converts base64 and URL images, and PDFs', () => {
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare.' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          {
            type: 'file',
            file: { file_data: 'data:application/pdf;base64,JVBERi0x', filename: 'a.pdf' },
          },
        ],
      },
    ];
    expect(convert(messages).messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare.' },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' },
        title: 'a.pdf',
      },
    ]);
  });

  it('refuses audio, or drops it with a warning under drop_params', () => {
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Listen.' },
          { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
        ],
      },
    ];
    expect(() => convert(messages)).toThrow(
      expect.objectContaining({
        code: 'unsupported_parameter',
        param: 'messages[0].content[1].input_audio',
      }),
    );
    const options = makeCallOptions({ dropParams: true });
    expect(convert(messages, options).messages[0]?.content).toEqual([
      { type: 'text', text: 'Listen.' },
    ]);
    expect(options.warnings.messages).toEqual([
      'dropped messages[0].content[1].input_audio: not supported by anthropic (Anthropic accepts no audio input)',
    ]);
  });

  it('rejects tool call arguments that are not JSON', () => {
    const messages: ChatMessage[] = [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{oops' } },
        ],
      },
    ];
    expect(() => convert(messages)).toThrow(GatewayError);
    expect(() => convert(messages)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        param: 'messages[0].tool_calls[0].function.arguments',
      }),
    );
  });

  it('passes cache_control through on parts, messages and system prompts', () => {
    const ephemeral = { type: 'ephemeral' };
    const messages = [
      { role: 'system', content: 'Long instructions.', cache_control: ephemeral },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: 'A long document.',
            cache_control: { type: 'ephemeral', ttl: '1h' },
          },
          { type: 'text', text: 'Question?' },
        ],
      },
      { role: 'assistant', content: 'Answer.', cache_control: ephemeral },
    ] as ChatMessage[];
    expect(convert(messages)).toEqual({
      system: [{ type: 'text', text: 'Long instructions.', cache_control: ephemeral }],
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: 'A long document.',
              cache_control: { type: 'ephemeral', ttl: '1h' },
            },
            { type: 'text', text: 'Question?' },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Answer.', cache_control: ephemeral }],
        },
      ],
    });
  });

  it('sends thinking back first, with its signature and redacted thinking, from provider_metadata', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'I should call get_weather.',
        provider_metadata: {
          anthropic: {
            stop_reason: 'tool_use',
            signature: 'EqQBsig',
            redacted_thinking: ['EmwKred'],
          },
        },
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
    ];
    expect(convert(messages).messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'I should call get_weather.', signature: 'EqQBsig' },
      { type: 'redacted_thinking', data: 'EmwKred' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
    ]);
  });

  it('replays several thinking blocks verbatim, and ignores metadata of another shape', () => {
    const blocks = [
      { type: 'thinking', thinking: 'First.', signature: 's1' },
      { type: 'thinking', thinking: 'Second.', signature: 's2' },
    ];
    const turn = (metadata: Record<string, unknown>): ChatMessage => ({
      role: 'assistant',
      content: 'Done.',
      reasoning_content: 'First.\n\nSecond.',
      provider_metadata: { anthropic: metadata },
    });
    expect(convert([turn({ thinking_blocks: blocks })]).messages[0]?.content).toEqual([
      ...blocks,
      { type: 'text', text: 'Done.' },
    ]);
    expect(convert([turn({ signature: 42 })]).messages[0]?.content).toEqual([
      { type: 'text', text: 'Done.' },
    ]);
  });
});
