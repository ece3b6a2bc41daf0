import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', false, 'stop'],
    ['stop_sequence', false, 'stop'],
    ['max_tokens', false, 'length'],
    ['model_context_window_exceeded', false, 'length'],
    ['tool_use', false, 'tool_calls'],
    ['tool_use', true, 'stop'],
    ['refusal', false, 'content_filter'],
    ['pause_turn', false, 'stop'],
    ['a_new_reason', false, 'stop'],
    [null, false, 'stop'],
  ] as const)('%s (json tool answer: %s) → %s', (raw, json, expected) => {
    expect(mapAnthropicStopReason(raw, json)).toBe(expected);
  });
});
