/**
 * A closed-loop load generator on undici: `concurrency` workers, each sending its next request
 * as soon as the previous answer has been read to the end, over a Pool with as many
 * keep-alive connections as workers. Records latency (request start to last body byte) and,
 * for streams, time to first body byte.
 */
import { Pool, type Dispatcher } from 'undici';

export interface LoadRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** A streamed answer: record time to first byte and expect `data: [DONE]` at the end. */
  readonly stream: boolean;
}

export interface LoadResult {
  /** Milliseconds from sending the request to the answer's last byte, one per success. */
  readonly latencies: number[];
  /** Milliseconds from sending the request to the first body byte (streams only). */
  readonly ttfbs: number[];
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly elapsedMs: number;
}

/** A pool sized for `concurrency` workers: one keep-alive connection each, no pipelining. */
export function createLoadPool(origin: string, concurrency: number): Pool {
  return new Pool(origin, {
    connections: concurrency,
    pipelining: 1,
    keepAliveTimeout: 120_000,
    keepAliveMaxTimeout: 120_000,
  });
}

const DONE = 'data: [DONE]\n\n';

function endsWithDone(previous: Buffer | undefined, last: Buffer | undefined): boolean {
  if (last === undefined) return false;
  const tail = previous === undefined ? last : Buffer.concat([previous, last]);
  return tail.toString('latin1').trimEnd().endsWith(DONE.trimEnd());
}

interface Recorder {
  latencies: number[];
  ttfbs: number[];
  errors: number;
  firstError: string | undefined;
}

function fail(recorder: Recorder, message: string): void {
  recorder.errors += 1;
  recorder.firstError ??= message;
}

async function sendOne(
  dispatcher: Dispatcher,
  request: LoadRequest,
  recorder: Recorder,
): Promise<void> {
  const started = performance.now();
  const { statusCode, body } = await dispatcher.request({
    method: 'POST',
    path: request.path,
    headers: request.headers,
    body: request.body,
  });
  let firstByteAt: number | undefined;
  let previous: Buffer | undefined;
  let last: Buffer | undefined;
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    firstByteAt ??= performance.now();
    previous = last;
    last = chunk;
    bytes += chunk.length;
  }
  const finished = performance.now();
  if (statusCode !== 200) {
    const text = last === undefined ? '' : Buffer.concat([previous ?? Buffer.alloc(0), last]);
    fail(recorder, `HTTP ${statusCode}: ${text.toString().slice(0, 300)}`);
    return;
  }
  if (bytes === 0 || firstByteAt === undefined) {
    fail(recorder, 'empty body');
    return;
  }
  if (request.stream && !endsWithDone(previous, last)) {
    fail(recorder, 'stream did not end with data: [DONE]');
    return;
  }
  recorder.latencies.push(finished - started);
  if (request.stream) recorder.ttfbs.push(firstByteAt - started);
}

/** Runs `concurrency` closed-loop workers for `durationMs` (each finishes its last request). */
export async function runLoad(
  dispatcher: Dispatcher,
  request: LoadRequest,
  options: { concurrency: number; durationMs: number },
): Promise<LoadResult> {
  const recorder: Recorder = { latencies: [], ttfbs: [], errors: 0, firstError: undefined };
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        await sendOne(dispatcher, request, recorder);
      } catch (error) {
        fail(recorder, error instanceof Error ? error.message : String(error));
        // A refused connection fails in microseconds; do not spin on it.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { ...recorder, elapsedMs: performance.now() - started };
}
