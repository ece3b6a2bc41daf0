/**
 * What a Google adapter keeps in an assistant message's `provider_metadata.<provider>` for the
 * next turn, and reads back from the message the client returns. Gemini attaches opaque thought
 * signatures to parts and needs them back, on the same parts, to continue its reasoning; Gemini 3
 * rejects a turn's function calls without them (https://ai.google.dev/gemini-api/docs/thought-signatures).
 *
 * The canonical message has no parts, so signatures are keyed by what they were attached to:
 * the reasoning (thought parts), the answer text, or a tool call (by the id Tollgate gave it).
 * Stream deltas carry the same keys, so a client that merges delta metadata rebuilds it.
 */

export interface GeminiSignatures {
  /** Signature of the thought (reasoning) parts. */
  readonly reasoning_signature?: string;
  /** Signature of the answer's text part. */
  readonly text_signature?: string;
  /** Signature of each function call part, by tool call id. */
  readonly tool_call_signatures?: Readonly<Record<string, string>>;
}

/** The Google providers whose signatures are interchangeable enough to try (same models). */
const GOOGLE_PROVIDERS = ['gemini', 'vertex_ai'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The signatures of an assistant message: from this provider's metadata first, then from the
 * other Google provider's (a conversation that fell back from Gemini to Vertex AI or back).
 */
export function readGeminiSignatures(
  metadata: Readonly<Record<string, unknown>> | null | undefined,
  provider: string,
): GeminiSignatures {
  if (metadata === null || metadata === undefined) return {};
  const keys = [provider, ...GOOGLE_PROVIDERS.filter((name) => name !== provider)];
  const entry = keys.map((key) => metadata[key]).find(isRecord);
  if (entry === undefined) return {};
  const calls: Record<string, string> = {};
  if (isRecord(entry.tool_call_signatures)) {
    for (const [id, signature] of Object.entries(entry.tool_call_signatures)) {
      if (typeof signature === 'string' && signature !== '') calls[id] = signature;
    }
  }
  const reasoning = stringOrUndefined(entry.reasoning_signature);
  const text = stringOrUndefined(entry.text_signature);
  return {
    ...(reasoning === undefined ? {} : { reasoning_signature: reasoning }),
    ...(text === undefined ? {} : { text_signature: text }),
    ...(Object.keys(calls).length === 0 ? {} : { tool_call_signatures: calls }),
  };
}
