import { parseJson } from '../../core/json.js';
import {
  GatewayError,
  codeForUpstreamStatus,
  parseRetryAfter,
  type ErrorCode,
} from '../../core/errors.js';
import { redactSecrets, redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamJsonResponse, UpstreamTarget } from '../../core/upstream-http.js';
import {
  openAIErrorBodySchema,
  openAIErrorDetailSchema,
  type OpenAIErrorDetail,
} from './openai-api.js';

/**
 * Maps OpenAI-style error bodies (OpenAI, Azure OpenAI and compatible servers) onto GatewayError:
 * the HTTP status gives the base code, the body refines it (context length, content filter).
 * An upstream 401/403 is the gateway's own credential problem, so it becomes a 502
 * `upstream_auth_failed`, never the client's 401 (SPEC §3).
 */

/** Longest upstream message quoted in our own error message. */
const MAX_MESSAGE_CHARS = 500;

/**
 * The error detail of a body: OpenAI's envelope, or the detail at the top level as older vLLM
 * versions send it (`{"object":"error","message",...,"code":400}`), or FastAPI's `{"detail"}`.
 */
function describeBody(text: string): OpenAIErrorDetail | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  const body = openAIErrorBodySchema.safeParse(parsed.value);
  if (body.success) {
    const { error } = body.data;
    return typeof error === 'string' ? { message: error } : error;
  }
  const topLevel = openAIErrorDetailSchema.safeParse(parsed.value);
  if (!topLevel.success) return undefined;
  const detail = topLevel.data;
  if (typeof detail.message === 'string') return detail;
  return typeof detail.detail === 'string' ? { message: detail.detail } : undefined;
}

function isContextLengthError(detail: OpenAIErrorDetail): boolean {
  if (detail.code === 'context_length_exceeded') return true;
  // vLLM and other compatible servers only say it in the message, with a numeric code.
  return /maximum context length|context length exceeded|context window/i.test(
    detail.message ?? '',
  );
}

/**
 * Azure answers a filtered prompt with HTTP 400 and `code: "content_filter"` (innererror
 * `ResponsibleAIPolicyViolation`), https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter;
 * OpenAI uses `content_policy_violation`, and `invalid_prompt` for prompts flagged by its usage
 * policy (https://platform.openai.com/docs/guides/error-codes).
 */
function isContentFilterError(detail: OpenAIErrorDetail): boolean {
  const code = detail.code;
  if (code === 'content_filter' || code === 'content_policy_violation') return true;
  if (detail.innererror?.code === 'ResponsibleAIPolicyViolation') return true;
  if (code === 'invalid_prompt' && /usage policy/i.test(detail.message ?? '')) return true;
  return /content management policy/i.test(detail.message ?? '');
}

/** Refines the status-derived code from what the body says. */
function refineCode(base: ErrorCode, detail: OpenAIErrorDetail | undefined): ErrorCode {
  if (detail === undefined || base !== 'upstream_bad_request') return base;
  if (isContentFilterError(detail)) return 'content_policy_violation';
  if (isContextLengthError(detail)) return 'context_length_exceeded';
  return base;
}

/**
 * The code of an error reported inside a 200 stream, where there is no HTTP status: OpenAI sends
 * `data: {"error": {...}}` with the same envelope as an HTTP error.
 */
function codeForStreamError(detail: OpenAIErrorDetail): ErrorCode {
  const marker = `${detail.type ?? ''} ${typeof detail.code === 'string' ? detail.code : ''}`;
  if (/rate_limit|insufficient_quota|\btokens\b|\brequests\b/.test(marker)) {
    return 'upstream_rate_limited';
  }
  if (/authentication|invalid_api_key|permission/.test(marker)) return 'upstream_auth_failed';
  if (/invalid_request/.test(marker)) return refineCode('upstream_bad_request', detail);
  if (isContentFilterError(detail)) return 'content_policy_violation';
  return 'upstream_error';
}

/**
 * Seconds to wait before retrying. Azure also sends `retry-after-ms`, which the official SDK
 * prefers (https://github.com/openai/openai-node/blob/master/src/client.ts, `retry-after-ms`).
 */
function retryAfterSeconds(headers: UpstreamJsonResponse['headers']): number | undefined {
  const milliseconds = headers['retry-after-ms'];
  const raw = Array.isArray(milliseconds) ? milliseconds[0] : milliseconds;
  const value = raw === undefined ? Number.NaN : Number(raw);
  if (Number.isFinite(value) && value >= 0) return value / 1000;
  return parseRetryAfter(headers['retry-after']);
}

function quote(detail: OpenAIErrorDetail | undefined, target: UpstreamTarget): string {
  const message = detail?.message;
  if (message === undefined || message === null || message === '') return '';
  const clipped =
    message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  return `: ${redactSecrets(clipped, target.secrets)}`;
}

function carriesParam(code: ErrorCode): boolean {
  return (
    code === 'upstream_bad_request' ||
    code === 'context_length_exceeded' ||
    code === 'content_policy_violation'
  );
}

/** The GatewayError for a non-2xx answer of an OpenAI-compatible upstream. */
export function mapOpenAIHttpError(
  response: UpstreamJsonResponse,
  target: UpstreamTarget,
): GatewayError {
  const detail = describeBody(response.text);
  const code = refineCode(codeForUpstreamStatus(response.status), detail);
  const what =
    code === 'upstream_auth_failed'
      ? `${target.provider} rejected the gateway's upstream credentials (HTTP ${response.status})`
      : `${target.provider} returned HTTP ${response.status}`;
  return new GatewayError(code, `${what}${quote(detail, target)}`, {
    provider: target.provider,
    upstreamStatus: response.status,
    upstreamBody: redactUpstreamBody(response.text, target.secrets),
    retryAfterSeconds: retryAfterSeconds(response.headers),
    param: carriesParam(code) ? (detail?.param ?? undefined) : undefined,
  });
}

/**
 * The GatewayError for a `data: {"error": {...}}` event inside a stream. `payload` is the parsed
 * event; `raw` its text, quoted (redacted) as the upstream body.
 */
export function mapOpenAIStreamError(
  payload: { readonly error: unknown },
  raw: string,
  target: UpstreamTarget,
): GatewayError {
  const parsed = openAIErrorDetailSchema.safeParse(payload.error);
  const detail: OpenAIErrorDetail = parsed.success
    ? parsed.data
    : { message: typeof payload.error === 'string' ? payload.error : undefined };
  const code = codeForStreamError(detail);
  return new GatewayError(
    code,
    `${target.provider} reported an error in the stream${quote(detail, target)}`,
    {
      provider: target.provider,
      upstreamBody: redactUpstreamBody(raw, target.secrets),
      param: carriesParam(code) ? (detail.param ?? undefined) : undefined,
    },
  );
}
