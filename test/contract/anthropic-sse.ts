import { parseJson } from '../../src/core/json.js';
import { reply, type SseOptions, type SseReply } from '../support/fake-upstream.js';

/**
 * Anthropic frames every stream event with its name (`event: message_start\ndata: {...}\n\n`)
 * and sends no `[DONE]` (https://docs.anthropic.com/en/docs/build-with-claude/streaming).
 * Fixtures hold the payloads only (one per line); this frames them the way the API does.
 */
export function frameAnthropicEvent(payload: string): string {
  const parsed = parseJson(payload);
  const type =
    parsed.ok &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    'type' in parsed.value &&
    typeof parsed.value.type === 'string'
      ? parsed.value.type
      : 'message';
  return `event: ${type}\ndata: ${payload}\n\n`;
}

/** An SSE reply framed like Anthropic's. */
export function anthropicSse(payloads: readonly string[], options: SseOptions = {}): SseReply {
  return reply.sse(payloads.map(frameAnthropicEvent), { raw: true, done: false, ...options });
}
