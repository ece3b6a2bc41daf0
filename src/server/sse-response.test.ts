import { createServer, type Server, type ServerResponse } from 'node:http';
import { contentChunk } from '../../test/support/content-chunk.js';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatChunk } from '../core/chat-chunk.js';
import { ChatStream } from '../core/chat-stream.js';
import { ChunkBatchStream } from '../core/chunk-batches.js';
import { NEVER_CANCELLED } from '../core/cancellation.js';
import { RequestContext } from '../core/request-context.js';
import { writeSseStream } from './sse-response.js';

/**
 * A ChatStream over upstream reads (each an array of chunk contents); `gapMs` is how long the
 * upstream is silent between two reads.
 */
async function streamOf(
  reads: ReadonlyArray<readonly string[]>,
  gapMs = 0,
): Promise<{ stream: ChatStream; ctx: RequestContext }> {
  let position = 0;
  const rest = new ChunkBatchStream({
    read: async () => {
      const read = reads[position];
      if (position > 0 && gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      position += 1;
      return read?.map(contentChunk);
    },
    cancel: () => Promise.resolve(),
  });
  const first = await rest.next();
  const ctx = new RequestContext({ kind: 'chat', credential: undefined, signal: NEVER_CANCELLED });
  const stream = new ChatStream({
    ctx,
    first: first.value as ChatChunk,
    rest,
    prompt: [],
    finish: () => Promise.resolve(),
  });
  return { stream, ctx };
}

/** Records what the SSE writer hands to the response, call by call. */
function recordWrites(res: ServerResponse, started: number): Array<{ text: string; atMs: number }> {
  const writes: Array<{ text: string; atMs: number }> = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = ((data: string) => {
    writes.push({ text: `write:${data}`, atMs: performance.now() - started });
    return write(data);
  }) as typeof res.write;
  res.end = ((data: string) => {
    writes.push({ text: `end:${data}`, atMs: performance.now() - started });
    return end(data);
  }) as typeof res.end;
  return writes;
}

describe('writeSseStream', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** Serves one stream; returns the body a client read and the writes the response saw. */
  async function serve(open: () => Promise<{ stream: ChatStream; ctx: RequestContext }>) {
    let writes: Array<{ text: string; atMs: number }> = [];
    const started = performance.now();
    server = createServer((_req, res) => {
      writes = recordWrites(res, started);
      void open().then(({ stream, ctx }) =>
        writeSseStream(res, stream, { ctx, includeUsage: false }),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    return { events: body.split('\n\n').filter((event) => event !== ''), writes };
  }

  it('sends the events of one upstream read in one write', async () => {
    const { events, writes } = await serve(() => streamOf([['a', 'b', 'c']]));
    expect(events).toHaveLength(4);
    expect(events.at(-1)).toBe('data: [DONE]');
    const withContent = writes.filter((write) => write.text.includes('"content"'));
    expect(withContent).toHaveLength(1);
    expect(withContent[0]?.text).toMatch(/"content":"a".*"content":"b".*"content":"c"/s);
  });

  it('does not hold the first events back while the upstream is silent', async () => {
    const { events, writes } = await serve(() => streamOf([['a', 'b'], ['c']], 150));
    expect(events).toHaveLength(4);
    const first = writes[0]!;
    const last = writes.find((write) => write.text.includes('"content":"c"'))!;
    expect(first.text).toMatch(/"content":"a".*"content":"b"/s);
    expect(first.text).not.toContain('"content":"c"');
    // Written as soon as the first read was mapped, not with the upstream's next read.
    expect(last.atMs - first.atMs).toBeGreaterThan(100);
  });
});
