import { randomUUID } from 'node:crypto';
import type { ToolCall } from '../../core/chat-request.js';
import type { GeminiCandidate, GeminiFunctionCall, GeminiPart } from './gemini-api.js';

/**
 * The parts of one candidate → canonical message pieces, shared by the JSON response and the
 * stream mapper (a stream event carries a slice of the candidate's parts):
 * - text parts → content; `thought: true` parts → reasoning;
 * - `functionCall` parts → tool calls whose arguments are the JSON of `args`. Gemini sends each
 *   call whole (in streams too) and without an id: Tollgate gives it one, stable for the call
 *   (see `ToolCallIds`);
 * - thought signatures, keyed by what they were attached to (`gemini-message-metadata.ts`);
 * - any other part (inline images, executable code and its result) is kept raw.
 */

/** Hands out tool call ids for one candidate of one response; lives as long as that response. */
export class ToolCallIds {
  private count = 0;
  private readonly prefix: string;

  constructor(responseId: string | null | undefined, candidateIndex: number) {
    // The response id makes ids unique across turns, the counter within the candidate.
    const base = responseId ?? randomUUID().replaceAll('-', '');
    this.prefix = candidateIndex === 0 ? `call_${base}_` : `call_${base}_${candidateIndex}_`;
  }

  next(call: GeminiFunctionCall): string {
    const id = call.id ?? `${this.prefix}${this.count}`;
    this.count += 1;
    return id;
  }
}

export interface CandidateSignatures {
  reasoning_signature?: string;
  text_signature?: string;
  tool_call_signatures?: Record<string, string>;
}

export interface CandidateParts {
  /** The answer text, or undefined when the parts hold none. */
  readonly text: string | undefined;
  /** The thought summaries, or undefined when the parts hold none. */
  readonly reasoning: string | undefined;
  readonly toolCalls: ToolCall[];
  readonly signatures: CandidateSignatures;
  /** Parts the canonical message has no place for, as received. */
  readonly otherParts: GeminiPart[];
}

export function readGeminiParts(
  parts: readonly GeminiPart[] | null | undefined,
  ids: ToolCallIds,
): CandidateParts {
  let text: string | undefined;
  let reasoning: string | undefined;
  const toolCalls: ToolCall[] = [];
  const signatures: CandidateSignatures = {};
  const otherParts: GeminiPart[] = [];
  for (const part of parts ?? []) {
    const signature = part.thoughtSignature ?? undefined;
    const call = part.functionCall;
    if (call !== null && call !== undefined) {
      const id = ids.next(call);
      toolCalls.push({
        id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
      });
      if (signature !== undefined) {
        signatures.tool_call_signatures = { ...signatures.tool_call_signatures, [id]: signature };
      }
    } else if (typeof part.text === 'string' && part.thought === true) {
      reasoning = (reasoning ?? '') + part.text;
      if (signature !== undefined) signatures.reasoning_signature = signature;
    } else if (typeof part.text === 'string') {
      text = (text ?? '') + part.text;
      if (signature !== undefined) signatures.text_signature = signature;
    } else {
      // A signature may also ride alone on an otherwise empty part at the end of a turn; parts
      // with data of their own (an image, code) are kept whole, signature included.
      const { thought, thoughtSignature: _signature, ...data } = part;
      if (Object.values(data).some(present)) otherParts.push(part);
      else if (signature !== undefined && thought === true) {
        signatures.reasoning_signature = signature;
      } else if (signature !== undefined) signatures.text_signature = signature;
    }
  }
  return { text, reasoning, toolCalls, signatures, otherParts };
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined;
}

/**
 * The candidate-level data the OpenAI shape has no place for, as `provider_metadata.<provider>`
 * entries: the raw finish reason, safety ratings, citations, grounding and URL context.
 */
export function candidateMetadata(candidate: GeminiCandidate): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (present(candidate.finishReason)) metadata.finish_reason = candidate.finishReason;
  if (present(candidate.finishMessage)) metadata.finish_message = candidate.finishMessage;
  if (present(candidate.safetyRatings)) metadata.safety_ratings = candidate.safetyRatings;
  if (present(candidate.citationMetadata)) metadata.citation_metadata = candidate.citationMetadata;
  if (present(candidate.groundingMetadata)) {
    metadata.grounding_metadata = candidate.groundingMetadata;
  }
  if (present(candidate.urlContextMetadata)) {
    metadata.url_context_metadata = candidate.urlContextMetadata;
  }
  return metadata;
}
