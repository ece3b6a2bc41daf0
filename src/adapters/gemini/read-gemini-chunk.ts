import { parseJson } from '../../core/json.js';
import type { GeminiResponse } from './gemini-api.js';

/**
 * Reads one `data:` payload of `streamGenerateContent?alt=sse`: each event is a whole
 * GenerateContentResponse holding the next slice of every candidate
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 * This is the per-event hot path, so instead of the zod parse `generate` uses, it checks by hand
 * exactly the fields the stream mapper reads (the ones `geminiResponseSchema` lists), then hands
 * the freshly parsed object on as that schema's type. Data we only forward (safety ratings,
 * grounding, citations) is not inspected.
 */

export type GeminiStreamPayload =
  | { readonly kind: 'chunk'; readonly response: GeminiResponse }
  /** `{"error": {...}}`: the upstream failed mid-stream. */
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'invalid'; readonly reason: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function optionalString(value: unknown): boolean {
  return absent(value) || typeof value === 'string';
}

function optionalCount(value: unknown): boolean {
  return absent(value) || (typeof value === 'number' && Number.isInteger(value) && value >= 0);
}

function checkPart(part: unknown): string | undefined {
  if (!isObject(part)) return 'a part is not an object';
  if (!optionalString(part.text)) return 'part.text is not a string';
  if (!absent(part.thought) && typeof part.thought !== 'boolean') {
    return 'part.thought is not a boolean';
  }
  if (!optionalString(part.thoughtSignature)) return 'part.thoughtSignature is not a string';
  const call = part.functionCall;
  if (absent(call)) return undefined;
  if (!isObject(call) || typeof call.name !== 'string') return 'functionCall has no name';
  if (!optionalString(call.id)) return 'functionCall.id is not a string';
  if (!absent(call.args) && !isObject(call.args)) return 'functionCall.args is not an object';
  return undefined;
}

function checkCandidate(candidate: unknown): string | undefined {
  if (!isObject(candidate)) return 'a candidate is not an object';
  if (!optionalCount(candidate.index)) return 'candidate.index is not a non-negative integer';
  if (!optionalString(candidate.finishReason)) return 'finishReason is not a string';
  if (!optionalString(candidate.finishMessage)) return 'finishMessage is not a string';
  const content = candidate.content;
  if (absent(content)) return undefined;
  if (!isObject(content)) return 'candidate.content is not an object';
  if (!optionalString(content.role)) return 'content.role is not a string';
  const parts = content.parts;
  if (absent(parts)) return undefined;
  if (!Array.isArray(parts)) return 'content.parts is not an array';
  for (const part of parts) {
    const problem = checkPart(part);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

const USAGE_COUNTS = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'cachedContentTokenCount',
  'toolUsePromptTokenCount',
  'totalTokenCount',
] as const;

function checkUsage(usage: unknown): string | undefined {
  if (absent(usage)) return undefined;
  if (!isObject(usage)) return 'usageMetadata is not an object';
  for (const key of USAGE_COUNTS) {
    if (!optionalCount(usage[key])) return `usageMetadata.${key} is not a token count`;
  }
  const details = usage.promptTokensDetails;
  if (absent(details)) return undefined;
  if (!Array.isArray(details) || !details.every(isObject)) {
    return 'usageMetadata.promptTokensDetails is not a list';
  }
  return undefined;
}

function checkResponse(value: JsonObject): string | undefined {
  if (!optionalString(value.responseId) || !optionalString(value.modelVersion)) {
    return 'responseId or modelVersion is not a string';
  }
  if (!optionalString(value.createTime)) return 'createTime is not a string';
  const feedback = value.promptFeedback;
  if (!absent(feedback) && (!isObject(feedback) || !optionalString(feedback.blockReason))) {
    return 'promptFeedback has the wrong shape';
  }
  const usageProblem = checkUsage(value.usageMetadata);
  if (usageProblem !== undefined) return usageProblem;
  const candidates = value.candidates;
  if (absent(candidates)) return undefined;
  if (!Array.isArray(candidates)) return 'candidates is not an array';
  for (const candidate of candidates) {
    const problem = checkCandidate(candidate);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Parses and checks one event's data. */
export function readGeminiChunk(data: string): GeminiStreamPayload {
  const parsed = parseJson(data);
  if (!parsed.ok) return { kind: 'invalid', reason: `invalid JSON (${parsed.message})` };
  const value = parsed.value;
  if (!isObject(value)) return { kind: 'invalid', reason: 'the event is not a JSON object' };
  if (!absent(value.error)) return { kind: 'error', error: value.error };
  const problem = checkResponse(value);
  if (problem !== undefined) return { kind: 'invalid', reason: problem };
  // Every field the mapper reads through GeminiResponse was checked above (the schema's type
  // is loose, so a checked object already fits it).
  const response: GeminiResponse = value;
  return { kind: 'chunk', response };
}
