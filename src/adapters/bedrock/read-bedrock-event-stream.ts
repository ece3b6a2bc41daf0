import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/**
 * Bytes of an `application/vnd.amazon.eventstream` body → decoded messages. Each message is a
 * binary frame: a 12-byte prelude (total length, headers length, prelude CRC32), typed headers,
 * the payload and a message CRC32
 * (https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream).
 * Network chunks do not respect frame boundaries, so frames are reassembled here by their
 * declared length; the smithy codec then checks both CRCs and parses the headers. A length
 * outside what the format allows is a corrupt stream, not a reason to allocate gigabytes.
 */

/** One decoded message: its kind (`event`, `exception`, `error`), type and JSON payload text. */
export interface EventStreamMessage {
  readonly messageType: string;
  /** `:event-type`, `:exception-type` or `:error-code`, by message type. */
  readonly type: string;
  readonly payload: string;
}

/** Thrown for bytes that cannot be a valid event stream; mapped by the caller. */
export class EventStreamFormatError extends Error {
  override readonly name = 'EventStreamFormatError';
}

const PRELUDE_BYTES = 12;
const MINIMUM_MESSAGE_BYTES = 16;
/** The format's limit on one message (16 MB of payload plus headers and framing). */
const MAXIMUM_MESSAGE_BYTES = 16 * 1024 * 1024 + 128 * 1024;

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const textDecoder = new TextDecoder();

/** Splits a byte stream into whole frames, however the network chunked it. */
export async function* splitEventStreamFrames(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let buffer: Uint8Array = new Uint8Array(0);
  for await (const chunk of body) {
    buffer = buffer.length === 0 ? chunk : concat(buffer, chunk);
    let offset = 0;
    while (buffer.length - offset >= PRELUDE_BYTES) {
      const view = new DataView(buffer.buffer, buffer.byteOffset + offset, 4);
      const length = view.getUint32(0, false);
      if (length < MINIMUM_MESSAGE_BYTES || length > MAXIMUM_MESSAGE_BYTES) {
        throw new EventStreamFormatError(`a frame declares ${length} bytes`);
      }
      if (buffer.length - offset < length) break;
      yield buffer.subarray(offset, offset + length);
      offset += length;
    }
    buffer = offset === 0 ? buffer : buffer.slice(offset);
  }
  if (buffer.length > 0) {
    throw new EventStreamFormatError(
      `the stream ended inside a frame (${buffer.length} bytes left)`,
    );
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

function stringHeader(
  headers: ReturnType<EventStreamCodec['decode']>['headers'],
  name: string,
): string | undefined {
  const header = headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

/** Decodes one frame (CRC-checked by the codec). */
export function decodeEventStreamFrame(frame: Uint8Array): EventStreamMessage {
  let decoded: ReturnType<EventStreamCodec['decode']>;
  try {
    decoded = codec.decode(frame);
  } catch (error) {
    throw new EventStreamFormatError(error instanceof Error ? error.message : String(error));
  }
  const { headers } = decoded;
  const messageType = stringHeader(headers, ':message-type') ?? 'event';
  const type =
    messageType === 'exception'
      ? stringHeader(headers, ':exception-type')
      : messageType === 'error'
        ? stringHeader(headers, ':error-code')
        : stringHeader(headers, ':event-type');
  const payload =
    messageType === 'error'
      ? JSON.stringify({ message: stringHeader(headers, ':error-message') ?? '' })
      : textDecoder.decode(decoded.body);
  return { messageType, type: type ?? '', payload };
}

/** The messages of an event-stream body, in order. */
export async function* readEventStreamMessages(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<EventStreamMessage> {
  for await (const frame of splitEventStreamFrames(body)) yield decodeEventStreamFrame(frame);
}
