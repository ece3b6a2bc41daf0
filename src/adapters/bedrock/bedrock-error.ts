import {
  GatewayError,
  codeForUpstreamStatus,
  parseRetryAfter,
  type ErrorCode,
} from '../../core/errors.js';
import { parseJson } from '../../core/json.js';
import { redactSecrets, redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamJsonResponse, UpstreamTarget } from '../../core/upstream-http.js';
import { bedrockErrorBodySchema } from './bedrock-api.js';

/**
 * Bedrock errors → GatewayError. An HTTP error names its type in the `x-amzn-errortype` header
 * (`ValidationException:http://internal.amazon.com/coral/...`) with `{"message"}` as the body
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors);
 * inside a ConverseStream the same failures arrive as exception events
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html).
 * Upstream 401/403 is the gateway's credential problem: 502 `upstream_auth_failed`.
 */

const MAX_MESSAGE_CHARS = 500;

/** The error type, without the namespace suffix AWS appends after a colon. */
export function bedrockErrorType(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw === '') return undefined;
  return raw.split(':')[0]?.trim();
}

/** Bedrock's words for a prompt over the model's context window (as a ValidationException). */
function isContextLength(message: string): boolean {
  return /too long|too many (input )?tokens|context (window|length)|maximum (context|input)|exceeds? the (maximum|model)/i.test(
    message,
  );
}

/** The code for an error type; the status decides when the type is unknown. */
function codeFor(type: string | undefined, detail: { status: number; message: string }): ErrorCode {
  switch (type?.toLowerCase()) {
    case 'throttlingexception':
    case 'servicequotaexceededexception':
      return 'upstream_rate_limited';
    case 'validationexception':
      return isContextLength(detail.message) ? 'context_length_exceeded' : 'upstream_bad_request';
    case 'accessdeniedexception':
    case 'unrecognizedclientexception':
    case 'invalidsignatureexception':
    case 'expiredtokenexception':
    case 'incompletesignatureexception':
    case 'missingauthenticationtokenexception':
      return 'upstream_auth_failed';
    case 'resourcenotfoundexception':
      return 'upstream_not_found';
    case 'modelnotreadyexception':
      return 'upstream_overloaded';
    case 'modeltimeoutexception':
      return 'upstream_timeout';
    case 'serviceunavailableexception':
    case 'internalserverexception':
    case 'modelstreamerrorexception':
    case 'modelerrorexception':
      return 'upstream_error';
    default: {
      const code = codeForUpstreamStatus(detail.status);
      return code === 'upstream_bad_request' && isContextLength(detail.message)
        ? 'context_length_exceeded'
        : code;
    }
  }
}

/**
 * Which failures are worth retrying: throttling, an unready model and transient server faults
 * (`modelStreamErrorException` says "retry your request"); never a bad request or credentials.
 */
function retryableFor(code: ErrorCode, type: string | undefined): boolean | undefined {
  const lower = type?.toLowerCase();
  if (lower === 'modelstreamerrorexception' || lower === 'modelnotreadyexception') return true;
  if (lower === 'modelerrorexception') return false;
  if (code === 'upstream_rate_limited' || code === 'upstream_error') return true;
  return undefined;
}

function messageOf(text: string): string {
  const parsed = parseJson(text);
  if (!parsed.ok) return '';
  const body = bedrockErrorBodySchema.safeParse(parsed.value);
  if (!body.success) return '';
  return body.data.message ?? body.data.Message ?? '';
}

function quote(message: string, target: UpstreamTarget): string {
  if (message === '') return '';
  const clipped =
    message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  return `: ${redactSecrets(clipped, target.secrets)}`;
}

/** The GatewayError for a non-2xx Bedrock answer. */
export function mapBedrockHttpError(
  response: UpstreamJsonResponse,
  target: UpstreamTarget,
): GatewayError {
  const type = bedrockErrorType(response.headers['x-amzn-errortype']);
  const message = messageOf(response.text);
  const code = codeFor(type, { status: response.status, message });
  const what =
    code === 'upstream_auth_failed'
      ? `${target.provider} rejected the gateway's AWS credentials (HTTP ${response.status}${type ? ` ${type}` : ''})`
      : `${target.provider} returned HTTP ${response.status}${type ? ` ${type}` : ''}`;
  return new GatewayError(code, `${what}${quote(message, target)}`, {
    provider: target.provider,
    upstreamStatus: response.status,
    upstreamBody: redactUpstreamBody(response.text, target.secrets),
    retryable: retryableFor(code, type),
    retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
  });
}

/** HTTP statuses the Converse docs give each stream exception. */
const EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  throttlingexception: 429,
  validationexception: 400,
  modelstreamerrorexception: 424,
  serviceunavailableexception: 503,
  internalserverexception: 500,
};

/**
 * The GatewayError for an exception (or `error`) message inside a ConverseStream. `type` is the
 * `:exception-type` (or `:error-code`) header, `payload` the message body as text.
 */
export function mapBedrockStreamException(
  exception: { readonly type: string; readonly payload: string },
  target: UpstreamTarget,
): GatewayError {
  const message = messageOf(exception.payload) || exception.payload;
  const status = EXCEPTION_STATUS[exception.type.toLowerCase()] ?? 500;
  const code = codeFor(exception.type, { status, message });
  return new GatewayError(
    code,
    `${target.provider} reported ${exception.type} in the stream${quote(message, target)}`,
    {
      provider: target.provider,
      upstreamStatus: status,
      upstreamBody: redactUpstreamBody(exception.payload, target.secrets),
      retryable: retryableFor(code, exception.type),
    },
  );
}
