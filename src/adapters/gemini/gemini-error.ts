import {
  GatewayError,
  codeForUpstreamStatus,
  parseRetryAfter,
  type ErrorCode,
} from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { redactSecrets, redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamJsonResponse, UpstreamTarget } from '../../core/upstream-http.js';
import {
  googleErrorBodySchema,
  googleErrorDetailSchema,
  type GeminiPromptFeedback,
  type GoogleErrorDetail,
} from './gemini-api.js';

/**
 * Google's error envelope `{"error": {"code", "message", "status", "details"}}`
 * (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes,
 * https://cloud.google.com/apis/design/errors) → GatewayError. The HTTP status gives the base
 * code; `status` and the message refine it:
 * - RESOURCE_EXHAUSTED (429) is a retryable rate limit; its `google.rpc.RetryInfo.retryDelay`
 *   becomes the retry delay when no Retry-After header says otherwise;
 * - PERMISSION_DENIED / UNAUTHENTICATED, and a 400 whose ErrorInfo reason is API_KEY_INVALID
 *   (how the Gemini API answers a bad key), are the gateway's credential problem: a 502
 *   `upstream_auth_failed`, never the client's 401 (SPEC §3);
 * - INVALID_ARGUMENT about the input token count is `context_length_exceeded`;
 * - UNAVAILABLE "overloaded" is `upstream_overloaded`.
 * Streams (`?alt=sse`) report mid-stream errors as a `data:` event holding the same envelope.
 */

const MAX_MESSAGE_CHARS = 500;

/** The error detail of a body: the envelope, or the envelope inside a one-element array. */
function describeBody(text: string): GoogleErrorDetail | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  // Without `alt=sse`, streaming endpoints answer errors as a JSON array of envelopes.
  const value: unknown = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
  const body = googleErrorBodySchema.safeParse(value);
  return body.success ? body.data.error : undefined;
}

function isContextLength(detail: GoogleErrorDetail): boolean {
  // "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
  return /input token count|exceeds the maximum number of tokens|context (length|window)|too many tokens/i.test(
    detail.message ?? '',
  );
}

function isAuthFailure(detail: GoogleErrorDetail): boolean {
  if (detail.status === 'PERMISSION_DENIED' || detail.status === 'UNAUTHENTICATED') return true;
  const reasons = (detail.details ?? []).map((entry) => entry.reason);
  return reasons.includes('API_KEY_INVALID') || /API key not valid/i.test(detail.message ?? '');
}

function codeFor(base: ErrorCode, detail: GoogleErrorDetail | undefined): ErrorCode {
  if (detail === undefined) return base;
  if (isAuthFailure(detail)) return 'upstream_auth_failed';
  if (detail.status === 'RESOURCE_EXHAUSTED') return 'upstream_rate_limited';
  if (detail.status === 'UNAVAILABLE' && /overloaded/i.test(detail.message ?? '')) {
    return 'upstream_overloaded';
  }
  if (detail.status === 'DEADLINE_EXCEEDED') return 'upstream_timeout';
  if (base === 'upstream_bad_request' && isContextLength(detail)) return 'context_length_exceeded';
  return base;
}

/** `"retryDelay": "37s"` (a protobuf Duration) → seconds. */
function retryDelaySeconds(detail: GoogleErrorDetail | undefined): number | undefined {
  const info = detail?.details?.find((entry) => typeof entry.retryDelay === 'string');
  const match = /^(\d+(?:\.\d+)?)s$/.exec(info?.retryDelay ?? '');
  return match === null ? undefined : Number(match[1]);
}

function quote(detail: GoogleErrorDetail | undefined, target: UpstreamTarget): string {
  const message = detail?.message;
  if (message === undefined || message === null || message === '') return '';
  const clipped =
    message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  return `: ${redactSecrets(clipped, target.secrets)}`;
}

/** The GatewayError for a non-2xx answer from the Gemini API or Vertex AI. */
export function mapGeminiHttpError(
  response: UpstreamJsonResponse,
  target: UpstreamTarget,
): GatewayError {
  const detail = describeBody(response.text);
  const code = codeFor(codeForUpstreamStatus(response.status), detail);
  const what =
    code === 'upstream_auth_failed'
      ? `${target.provider} rejected the gateway's upstream credentials (HTTP ${response.status})`
      : `${target.provider} returned HTTP ${response.status}`;
  return new GatewayError(code, `${what}${quote(detail, target)}`, {
    provider: target.provider,
    upstreamStatus: response.status,
    upstreamBody: redactUpstreamBody(response.text, target.secrets),
    retryAfterSeconds:
      parseRetryAfter(response.headers['retry-after']) ?? retryDelaySeconds(detail),
    // A rejected key or a too-long prompt stays wrong however often it is retried.
    ...(code === 'upstream_auth_failed' || code === 'context_length_exceeded'
      ? { retryable: false }
      : {}),
  });
}

/** The GatewayError for an `{"error": {...}}` event inside a 200 stream. */
export function mapGeminiStreamError(
  error: unknown,
  raw: string,
  target: UpstreamTarget,
): GatewayError {
  const parsed = googleErrorDetailSchema.safeParse(error);
  const detail = parsed.success ? parsed.data : undefined;
  const status = typeof detail?.code === 'number' ? detail.code : 500;
  const code = codeFor(codeForUpstreamStatus(status), detail);
  return new GatewayError(
    code,
    `${target.provider} reported an error in the stream${quote(detail, target)}`,
    {
      provider: target.provider,
      upstreamStatus: status,
      upstreamBody: redactUpstreamBody(raw, target.secrets),
      retryAfterSeconds: retryDelaySeconds(detail),
    },
  );
}

/**
 * A prompt Gemini refused to answer: a 200 with `promptFeedback.blockReason` and no candidates
 * (https://ai.google.dev/api/generate-content#PromptFeedback). Content-policy fallbacks key on
 * `content_policy_violation`; retrying the same prompt would be refused again.
 */
export function promptBlockedError(
  feedback: GeminiPromptFeedback,
  context: { raw: string; target: UpstreamTarget },
): GatewayError {
  const reason = feedback.blockReason ?? 'BLOCKED_REASON_UNSPECIFIED';
  const detail = feedback.blockReasonMessage ? ` (${feedback.blockReasonMessage})` : '';
  return new GatewayError(
    'content_policy_violation',
    `${context.target.provider} blocked the prompt: ${reason}${detail}`,
    {
      provider: context.target.provider,
      upstreamStatus: 200,
      upstreamBody: redactUpstreamBody(context.raw, context.target.secrets),
      retryable: false,
    },
  );
}
