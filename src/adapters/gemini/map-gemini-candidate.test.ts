import { describe, expect, it } from 'vitest';
import { readGeminiParts, ToolCallIds } from './map-gemini-candidate.js';

describe('readGeminiParts', () => {
  it('sorts text, thoughts, calls and signatures; keeps other parts whole', () => {
    const image = { inlineData: { mimeType: 'image/png', data: 'iVBO' }, thoughtSignature: 'img' };
    expect(
      readGeminiParts(
        [
          { text: 'Let me think.', thought: true },
          { thought: true, thoughtSignature: 'r-sig' },
          { text: 'Answer', thoughtSignature: 't-sig' },
          { functionCall: { id: 'fc-1', name: 'f', args: { a: 1 } }, thoughtSignature: 'c-sig' },
          { functionCall: { name: 'g' } },
          image,
        ],
        new ToolCallIds('resp', 0),
      ),
    ).toEqual({
      text: 'Answer',
      reasoning: 'Let me think.',
      toolCalls: [
        { id: 'fc-1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        { id: 'call_resp_1', type: 'function', function: { name: 'g', arguments: '{}' } },
      ],
      signatures: {
        reasoning_signature: 'r-sig',
        text_signature: 't-sig',
        tool_call_signatures: { 'fc-1': 'c-sig' },
      },
      otherParts: [image],
    });
  });

  it('numbers the calls of other candidates apart', () => {
    const ids = new ToolCallIds('resp', 2);
    expect([ids.next({ name: 'a' }), ids.next({ name: 'b' })]).toEqual([
      'call_resp_2_0',
      'call_resp_2_1',
    ]);
  });
});
