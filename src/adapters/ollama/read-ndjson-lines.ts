/**
 * Bytes of an NDJSON body (`application/x-ndjson`, one JSON value per line) → its lines. Network
 * chunks cut lines (and multi-byte characters) anywhere: a streaming TextDecoder keeps the
 * characters whole and a buffer keeps the partial line until its newline arrives. A line longer
 * than the limit is a broken or hostile upstream, not something to buffer without end.
 */

/** Thrown for a line over the limit; mapped by the caller. */
export class NdjsonLineTooLongError extends Error {
  override readonly name = 'NdjsonLineTooLongError';
}

const MAX_LINE_CHARS = 16 * 1024 * 1024;

export async function* readNdjsonLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const bytes of body) {
    pending += decoder.decode(bytes, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield line;
      newline = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE_CHARS) {
      throw new NdjsonLineTooLongError(`a line exceeds ${MAX_LINE_CHARS} characters`);
    }
  }
  pending += decoder.decode();
  const last = pending.trim();
  if (last !== '') yield last;
}
