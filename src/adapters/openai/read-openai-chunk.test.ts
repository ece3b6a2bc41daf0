import { describe, expect, it } from 'vitest';
import { readOpenAIChunk } from './read-openai-chunk.js';

describe('readOpenAIChunk', () => {
  it('returns a valid chunk untouched, unknown fields included', () => {
    const data =
      '{"id":"c","created":1,"model":"m","x_extra":1,"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}';
    expect(readOpenAIChunk(data)).toEqual({
      kind: 'chunk',
      chunk: {
        id: 'c',
        created: 1,
        model: 'm',
        x_extra: 1,
        choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
        usage: null,
      },
      repaired: false,
    });
  });

  it('repairs choices without delta and tool calls without index', () => {
    const data = JSON.stringify({
      choices: [
        { finish_reason: 'content_filter', content_filter_results: {} },
        { index: 1, delta: { tool_calls: [{ function: { arguments: '{}' } }] } },
      ],
    });
    const result = readOpenAIChunk(data);
    expect(result.kind === 'chunk' && result.repaired).toBe(true);
    expect(result.kind === 'chunk' && result.chunk.choices).toEqual([
      { index: 0, delta: {}, finish_reason: 'content_filter', content_filter_results: {} },
      { index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] } },
    ]);
  });

  it('accepts a usage-only chunk without choices', () => {
    const result = readOpenAIChunk(
      '{"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}',
    );
    expect(result.kind === 'chunk' && result.chunk.choices).toEqual([]);
  });

  it('recognises an error event', () => {
    expect(readOpenAIChunk('{"error":{"message":"boom"}}')).toEqual({
      kind: 'error',
      payload: { error: { message: 'boom' } },
    });
  });

  it.each([
    ['{"choices": [', 'invalid JSON'],
    ['[1, 2]', 'the chunk is not a JSON object'],
    ['{"id":"c"}', 'choices is not an array'],
    ['{"choices":[{"index":-1,"delta":{}}]}', 'choice index is not a non-negative integer'],
    ['{"choices":[{"index":0,"delta":"hi"}]}', 'delta is not an object'],
    ['{"choices":[{"index":0,"delta":{"content":1}}]}', 'delta.content is not a string'],
    ['{"choices":[{"index":0,"delta":{"tool_calls":{}}}]}', 'delta.tool_calls is not an array'],
    [
      '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":{}}}]}}]}',
      'tool call name or arguments is not a string',
    ],
    ['{"choices":[{"index":0,"delta":{},"finish_reason":1}]}', 'finish_reason is not a string'],
    ['{"choices":[],"usage":{"prompt_tokens":"many"}}', 'usage has the wrong shape'],
  ])('rejects %s', (data, reason) => {
    const result = readOpenAIChunk(data);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.reason).toContain(reason);
  });
});
