import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { parseJson } from '../core/json.js';

export interface BodyLimits {
  /** Largest accepted body in bytes (413 beyond). */
  readonly maxBytes: number;
  /** Longest time the client may take to send its body (408 beyond). */
  readonly timeoutMs: number;
}

/**
 * Reads and parses a JSON request body within the limits. A declared Content-Length over the
 * limit is refused before reading; an undeclared one is cut off as soon as it passes the limit.
 */
export function readJsonBody(request: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    discardRest(request, limits.maxBytes);
    return Promise.reject(tooLarge(limits.maxBytes));
  }
  return new Promise<unknown>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: GatewayError | undefined, value?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
      if (error === undefined) resolve(value);
      else {
        if (error.code === 'payload_too_large') discardRest(request, limits.maxBytes);
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      const text =
        chunks.length === 1
          ? (chunks[0] as Buffer).toString('utf8')
          : Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        finish(new GatewayError('invalid_json', 'The request body is empty; send a JSON object'));
        return;
      }
      const parsed = parseJson(text);
      if (parsed.ok) finish(undefined, parsed.value);
      else
        finish(
          new GatewayError('invalid_json', `The request body is not valid JSON: ${parsed.message}`),
        );
    };
    const onError = (error: Error): void =>
      finish(
        new GatewayError('client_closed_request', 'The client closed the request', {
          cause: error,
        }),
      );
    const onAborted = (): void =>
      finish(new GatewayError('client_closed_request', 'The client closed the request'));
    const timer = setTimeout(
      () =>
        finish(
          new GatewayError(
            'request_timeout',
            `The request body did not arrive within ${limits.timeoutMs} ms`,
          ),
        ),
      limits.timeoutMs,
    );
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

/**
 * Reads and drops the rest of a refused body so the client, still uploading, can read our 413
 * and the connection stays usable. A client that keeps sending far beyond the limit is cut off.
 */
function discardRest(request: IncomingMessage, maxBytes: number): void {
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > 4 * maxBytes) request.socket.destroy();
  });
  request.resume();
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    'payload_too_large',
    `The request body exceeds the limit of ${maxBytes} bytes`,
  );
}
