import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';

const init = { provider: 'gemini', requiresSignatures: false };

describe('convertToGeminiContents', () => {
  it('lifts system and developer messages, wherever they are, into systemInstruction', () => {
    const converted = convertToGeminiContents(
      [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hello?' },
      ],
      init,
    );
    expect(converted).toEqual({
      systemInstruction: { parts: [{ text: 'Be terse.' }, { text: 'Answer in French.' }] },
      // The two user turns, no longer separated, become one.
      contents: [{ role: 'user', parts: [{ text: 'Hi' }, { text: 'Hello?' }] }],
    });
  });

  it('maps assistant to model and merges consecutive turns of one role', () => {
    expect(
      convertToGeminiContents(
        [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
          { role: 'user', content: 'c' },
        ],
        init,
      ).contents,
    ).toEqual([
      { role: 'user', parts: [{ text: 'a' }] },
      { role: 'model', parts: [{ text: 'b' }, { text: 'no' }] },
      { role: 'user', parts: [{ text: 'c' }] },
    ]);
  });

  it('skips an assistant turn with nothing to send', () => {
    expect(
      convertToGeminiContents(
        [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: null },
          { role: 'user', content: 'b' },
        ],
        init,
      ).contents,
    ).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });

  it('sends tool results as functionResponse parts named after their call', () => {
    const converted = convertToGeminiContents(
      [
        { role: 'user', content: 'Time?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'now', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: [{ type: 'text', text: '"12:00"' }] },
        { role: 'user', content: 'Thanks' },
      ],
      init,
    );
    expect(converted.contents).toEqual([
      { role: 'user', parts: [{ text: 'Time?' }] },
      {
        role: 'model',
        parts: [{ text: 'Checking.' }, { functionCall: { name: 'now', args: {} } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'now', response: { output: '12:00' } } },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object', () => {
    expect(() =>
      convertToGeminiContents(
        [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }],
          },
        ],
        init,
      ),
    ).toThrow(GatewayError);
  });

  it('refuses a data: URL that is not base64', () => {
    expect(() =>
      convertToGeminiContents(
        [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }],
          },
        ],
        init,
      ),
    ).toThrow(/base64/);
  });
});
