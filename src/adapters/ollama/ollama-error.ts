import {
  GatewayError,
  codeForUpstreamStatus,
  parseRetryAfter,
  type ErrorCode,
} from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { redactSecrets, redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamJsonResponse, UpstreamTarget } from '../../core/upstream-http.js';
import { ollamaErrorBodySchema } from './ollama-api.js';

/**
 * Ollama errors → GatewayError. Every failure is `{"error": "<text>"}` with an HTTP status
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#errors); an unknown model is a 404
 * ("model \"x\" not found, try pulling it first"), a full queue a 503. Inside a 200 stream the
 * same object arrives as an NDJSON line. Upstream 401/403 (ollama.com, or a proxy) are the
 * gateway's credential problem: 502 `upstream_auth_failed`.
 */

const MAX_MESSAGE_CHARS = 500;

function messageOf(text: string): string {
  const parsed = parseJson(text);
  if (!parsed.ok) return text.trim().slice(0, MAX_MESSAGE_CHARS);
  const body = ollamaErrorBodySchema.safeParse(parsed.value);
  return body.success ? body.data.error : '';
}

function isContextLength(message: string): boolean {
  return /context length|context window|exceeds (the )?maximum context|input length exceeds/i.test(
    message,
  );
}

function refine(code: ErrorCode, message: string): ErrorCode {
  if (code === 'upstream_bad_request' && isContextLength(message)) return 'context_length_exceeded';
  return code;
}

function quote(message: string, target: UpstreamTarget): string {
  if (message === '') return '';
  const clipped =
    message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  return `: ${redactSecrets(clipped, target.secrets)}`;
}

/** The GatewayError for a non-2xx Ollama answer. */
export function mapOllamaHttpError(
  response: UpstreamJsonResponse,
  target: UpstreamTarget,
): GatewayError {
  const message = messageOf(response.text);
  const code = refine(codeForUpstreamStatus(response.status), message);
  const what =
    code === 'upstream_auth_failed'
      ? `${target.provider} rejected the gateway's credentials (HTTP ${response.status})`
      : `${target.provider} returned HTTP ${response.status}`;
  return new GatewayError(code, `${what}${quote(message, target)}`, {
    provider: target.provider,
    upstreamStatus: response.status,
    upstreamBody: redactUpstreamBody(response.text, target.secrets),
    retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
  });
}

/** The GatewayError for an `{"error": ...}` line inside a stream (no status: a server fault). */
export function mapOllamaStreamError(line: string, target: UpstreamTarget): GatewayError {
  const message = messageOf(line);
  const code: ErrorCode = isContextLength(message) ? 'context_length_exceeded' : 'upstream_error';
  return new GatewayError(
    code,
    `${target.provider} reported an error in the stream${quote(message, target)}`,
    {
      provider: target.provider,
      upstreamBody: redactUpstreamBody(line, target.secrets),
    },
  );
}
