import { describe, expect, it } from 'vitest';
import type { ChatChunk, ChatChunkChoice } from '../core/chat-chunk.js';
import { StreamAnswer } from './stream-answer.js';

const chunk = (choices: ChatChunkChoice[], extra: Partial<ChatChunk> = {}): ChatChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices,
  ...extra,
});

const delta = (
  index: number,
  value: ChatChunkChoice['delta'],
  finish: ChatChunkChoice['finish_reason'] = null,
): ChatChunkChoice => ({ index, delta: value, finish_reason: finish });

function assemble(chunks: ChatChunk[]): ReturnType<StreamAnswer['response']> {
  const answer = new StreamAnswer();
  for (const item of chunks) answer.add(item);
  return answer.response();
}

describe('StreamAnswer', () => {
  it('assembles interleaved choices, tool-call fragments, refusal and metadata', () => {
    const response = assemble([
      chunk([delta(0, { role: 'assistant', content: '' }), delta(1, { role: 'assistant' })]),
      chunk([delta(1, { content: 'second ' }), delta(0, { content: 'first' })], {
        system_fingerprint: 'fp_1',
        provider_metadata: { gemini: { safety: 'ok' } },
      }),
      chunk([
        delta(0, {
          tool_calls: [
            {
              index: 0,
              id: 'call_a',
              type: 'function',
              function: { name: 'f', arguments: '{"a"' },
            },
          ],
          provider_metadata: { anthropic: { signature: 's' } },
        }),
      ]),
      chunk([delta(0, { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })]),
      chunk([delta(1, { content: 'answer' }), delta(1, { refusal: 'no' })], {
        provider_metadata: { gemini: { grounding: 'g' } },
      }),
      chunk([delta(0, {}, 'tool_calls'), delta(1, {}, 'stop')]),
      chunk([], { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cost: 9 } }),
    ]);
    expect(response).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      system_fingerprint: 'fp_1',
      provider_metadata: { gemini: { safety: 'ok', grounding: 'g' } },
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'first',
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
            ],
            provider_metadata: { anthropic: { signature: 's' } },
          },
          finish_reason: 'tool_calls',
        },
        {
          index: 1,
          message: { role: 'assistant', content: 'second answer', refusal: 'no' },
          finish_reason: 'stop',
        },
      ],
      // The gateway's own cost is not part of the stored answer.
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
  });

  it('gives null content to a turn that only calls tools', () => {
    const response = assemble([
      chunk([delta(0, { role: 'assistant', content: null })]),
      chunk([
        delta(0, { tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] }),
      ]),
      chunk([delta(0, {}, 'tool_calls')]),
    ]);
    expect(response?.choices[0]?.message.content).toBeNull();
  });

  it('has no answer when a choice never finished, a call lacks its id, or logprobs streamed', () => {
    expect(assemble([])).toBeUndefined();
    expect(
      assemble([chunk([delta(0, { content: 'a' }, 'stop'), delta(1, { content: 'b' })])]),
    ).toBeUndefined();
    expect(
      assemble([
        chunk([delta(0, { tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] })]),
        chunk([delta(0, {}, 'tool_calls')]),
      ]),
    ).toBeUndefined();
    expect(
      assemble([chunk([{ ...delta(0, { content: 'a' }, 'stop'), logprobs: { content: [] } }])]),
    ).toBeUndefined();
  });
});
