import type { FinishReason } from '../../core/chat-response.js';

/**
 * Gemini's `finishReason` (https://ai.google.dev/api/generate-content#FinishReason) → the
 * canonical one. The raw value always goes to `provider_metadata.<provider>.finish_reason`.
 * Gemini answers STOP when it calls functions, so a candidate with function calls that stopped
 * normally finishes with `tool_calls`, as OpenAI's would. Reasons with no OpenAI equivalent
 * (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, OTHER...) end the answer as `stop`.
 */

/** Blocked or cut by a content filter: safety, recitation, terms, blocklists, personal data. */
const CONTENT_FILTER: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

export function mapGeminiFinishReason(
  raw: string | null | undefined,
  hasToolCalls: boolean,
): FinishReason | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (raw === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(raw)) return 'content_filter';
  return hasToolCalls && raw === 'STOP' ? 'tool_calls' : 'stop';
}
