import { describe, expect, it } from 'vitest';
import {
  budgetToReasoningEffort,
  mapThinkingToReasoningEffort,
} from './map-thinking-to-reasoning-effort.js';

describe('thinking → reasoning_effort', () => {
  it('maps budgets at the documented thresholds', () => {
    expect(budgetToReasoningEffort(1024)).toBe('low');
    expect(budgetToReasoningEffort(4095)).toBe('low');
    expect(budgetToReasoningEffort(4096)).toBe('medium');
    expect(budgetToReasoningEffort(16_383)).toBe('medium');
    expect(budgetToReasoningEffort(16_384)).toBe('high');
    expect(budgetToReasoningEffort(64_000)).toBe('high');
  });

  it('output_config.effort wins when thinking is on; nothing without thinking', () => {
    const enabled = { type: 'enabled', budget_tokens: 2000 };
    expect(mapThinkingToReasoningEffort({ thinking: enabled })).toBe('low');
    expect(
      mapThinkingToReasoningEffort({ thinking: enabled, output_config: { effort: 'high' } }),
    ).toBe('high');
    expect(
      mapThinkingToReasoningEffort({
        thinking: { type: 'adaptive' },
        output_config: { effort: 'max' },
      }),
    ).toBe('xhigh');
    expect(mapThinkingToReasoningEffort({ thinking: { type: 'adaptive' } })).toBeUndefined();
    expect(mapThinkingToReasoningEffort({ output_config: { effort: 'high' } })).toBeUndefined();
    expect(mapThinkingToReasoningEffort({ thinking: { type: 'disabled' } })).toBeUndefined();
    expect(mapThinkingToReasoningEffort({})).toBeUndefined();
  });
});
