import { describe, expect, it } from 'vitest';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

describe('mapGeminiUsage', () => {
  it('counts cached input inside prompt and thoughts inside completion', () => {
    expect(
      mapGeminiUsage({
        promptTokenCount: 1200,
        cachedContentTokenCount: 1000,
        toolUsePromptTokenCount: 50,
        candidatesTokenCount: 30,
        thoughtsTokenCount: 70,
        totalTokenCount: 1350,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 1100 },
          { modality: 'AUDIO', tokenCount: 100 },
        ],
      }),
    ).toEqual({
      prompt_tokens: 1250,
      completion_tokens: 100,
      total_tokens: 1350,
      prompt_tokens_details: { cached_tokens: 1000, audio_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 70 },
    });
  });

  it('fills missing counts with zeros', () => {
    expect(mapGeminiUsage({ promptTokenCount: 8 })).toEqual({
      prompt_tokens: 8,
      completion_tokens: 0,
      total_tokens: 8,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});

describe('mapGeminiFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['OTHER', false, 'stop'],
    [undefined, false, null],
  ] as const)('%s (tool calls: %s) → %s', (raw, hasToolCalls, expected) => {
    expect(mapGeminiFinishReason(raw, hasToolCalls)).toBe(expected);
  });
});
