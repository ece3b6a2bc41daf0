import { describe, expect, it } from 'vitest';
import { readGeminiChunk } from './read-gemini-chunk.js';

describe('readGeminiChunk', () => {
  it('accepts a whole GenerateContentResponse event', () => {
    const data = JSON.stringify({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Hi', thoughtSignature: 's' }] },
          index: 0,
          safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' }],
        },
      ],
      usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
      responseId: 'r',
    });
    const payload = readGeminiChunk(data);
    expect(payload.kind).toBe('chunk');
  });

  it('returns the error of an error event', () => {
    expect(readGeminiChunk('{"error": {"code": 503, "status": "UNAVAILABLE"}}')).toEqual({
      kind: 'error',
      error: { code: 503, status: 'UNAVAILABLE' },
    });
  });

  it.each([
    ['{"candidates": [', 'invalid JSON'],
    ['[1]', 'not a JSON object'],
    ['{"candidates": {}}', 'candidates is not an array'],
    ['{"candidates": [{"content": {"parts": [{"thought": "yes"}]}}]}', 'part.thought'],
    ['{"candidates": [{"content": {"parts": [{"functionCall": {"args": {}}}]}}]}', 'no name'],
    [
      '{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": [1]}}]}}]}',
      'args',
    ],
    ['{"candidates": [{"index": -1}]}', 'candidate.index'],
    ['{"usageMetadata": {"promptTokenCount": "4"}}', 'promptTokenCount'],
    ['{"promptFeedback": {"blockReason": 1}}', 'promptFeedback'],
  ])('refuses %s', (data, reason) => {
    const payload = readGeminiChunk(data);
    expect(payload.kind).toBe('invalid');
    expect(payload.kind === 'invalid' ? payload.reason : '').toContain(reason);
  });
});
