import { reply, type SseOptions, type SseReply } from '../../../../test/support/fake-upstream.js';

/**
 * Test support (kept beside the fixtures so the build leaves it out): an Ollama NDJSON answer
 * from the shared fake upstream. Each fixture line is written as its own network chunk with its
 * newline, or, with `pieceChars`, the whole body is re-cut into pieces of that many characters
 * so lines straddle chunks.
 */
export function ndjsonReply(
  lines: readonly string[],
  options: SseOptions & { readonly pieceChars?: number } = {},
): SseReply {
  const { pieceChars, ...sse } = options;
  let chunks = lines.map((line) => `${line}\n`);
  if (pieceChars !== undefined) {
    const body = chunks.join('');
    chunks = [];
    for (let start = 0; start < body.length; start += pieceChars) {
      chunks.push(body.slice(start, start + pieceChars));
    }
  }
  return reply.sse(chunks, {
    ...sse,
    raw: true,
    done: false,
    headers: { 'content-type': 'application/x-ndjson', ...sse.headers },
  });
}
