import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/logger.js';
import type { DatabaseHandle } from '../db/client.js';
import { SPEND_ROW, type SpendRow } from './spend-row.js';
import { decodeSpendRows, SpendRowEncoder, type EncodedSpendRows } from './spend-row-codec.js';
import type { WorkerReply, WorkerRequest } from './spend-writer-protocol.js';
import { writeSpendBatch } from './write-spend-batch.js';

/**
 * Spend rows leave the request path here: `enqueue` only appends the row's bytes to a buffer
 * (spend-row-codec.ts). Rows are written in batched transactions every FLUSH_INTERVAL_MS (or as
 * soon as BATCH_SIZE are waiting), so a request that completed more than ~100 ms before a crash
 * has its row (SPEC §6).
 */
export interface SpendWriter {
  enqueue(row: SpendRow): void;
  /** Resolves when every row enqueued so far is in the database. */
  flush(): Promise<void>;
  /** Flushes, then releases the writer. */
  close(): Promise<void>;
}

export const FLUSH_INTERVAL_MS = 25;
export const BATCH_SIZE = 256;

/** Batching shared by both writers: a buffer, a timer, and a `write` for full batches. */
abstract class BatchingWriter implements SpendWriter {
  protected readonly pending = new SpendRowEncoder();
  private timer: NodeJS.Timeout | undefined;
  protected closed = false;
  protected readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  enqueue(row: SpendRow): void {
    if (this.closed) {
      this.logger.error('spend row after close: writing it directly', {
        requestId: row[SPEND_ROW.requestId],
      });
    }
    this.pending.append(row);
    if (this.pending.rows >= BATCH_SIZE) this.drain();
    else this.timer ??= setTimeout(() => this.drain(), FLUSH_INTERVAL_MS);
  }

  async flush(): Promise<void> {
    this.drain();
    await this.settled();
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.release();
  }

  private drain(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.rows === 0) return;
    this.write(this.pending.take());
  }

  /** Hands a batch to the database (synchronously or to the worker). */
  protected abstract write(batch: EncodedSpendRows): void;
  /** Resolves when every batch handed over is committed. */
  protected abstract settled(): Promise<void>;
  protected abstract release(): Promise<void>;
}

/** Writes on the calling thread: for in-memory databases (tests, library mode). */
class InlineSpendWriter extends BatchingWriter {
  private readonly database: DatabaseHandle;

  constructor(database: DatabaseHandle, logger: Logger) {
    super(logger);
    this.database = database;
  }

  protected write(batch: EncodedSpendRows): void {
    try {
      writeSpendBatch(this.database.db, decodeSpendRows(batch));
    } catch (error) {
      this.logger.error('spend batch failed', { rows: batch.rows, error: String(error) });
    }
  }

  protected settled(): Promise<void> {
    return Promise.resolve();
  }

  protected release(): Promise<void> {
    return Promise.resolve();
  }
}

/** Most rows kept for a retry when the worker keeps failing, so memory stays bounded. */
const MAX_RETAINED_ROWS = 100_000;

/**
 * Writes in a worker thread with its own connection (better-sqlite3 is synchronous: a batch of
 * a thousand rows would otherwise stall every request for milliseconds).
 */
class WorkerSpendWriter extends BatchingWriter {
  private readonly worker: Worker;
  private nextBatch = 1;
  /** Batches handed to the worker and not yet answered: their ids and row counts. */
  private readonly inFlight = new Map<number, number>();
  /** Rows of failed batches waiting for their retry. */
  private retrying = 0;
  private waiters: Array<() => void> = [];

  constructor(database: DatabaseHandle, logger: Logger) {
    super(logger);
    this.worker = startWorker(database.url);
    this.worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    this.worker.on('error', (error) =>
      this.logger.error('spend writer worker failed', { error: String(error) }),
    );
    this.worker.unref();
  }

  protected write(batch: EncodedSpendRows): void {
    const id = this.nextBatch++;
    this.inFlight.set(id, batch.rows);
    const message: WorkerRequest = { type: 'batch', id, batch };
    // Transferred, not copied: the worker owns the bytes now and sends them back if it fails.
    this.worker.postMessage(message, [batch.bytes.buffer as ArrayBuffer]);
  }

  protected settled(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  protected async release(): Promise<void> {
    const message: WorkerRequest = { type: 'close' };
    this.worker.postMessage(message);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private onReply(reply: WorkerReply): void {
    this.inFlight.delete(reply.id);
    if (reply.type === 'failed') {
      const batch = reply.batch;
      this.logger.error('spend batch failed; retrying', { rows: batch.rows, error: reply.error });
      // Rows are idempotent by request id: a retried batch never writes one twice.
      if (this.retrying + batch.rows <= MAX_RETAINED_ROWS) {
        this.retrying += batch.rows;
        setTimeout(() => {
          this.retrying -= batch.rows;
          this.write(batch);
        }, 250).unref();
      }
    }
    if (this.inFlight.size === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
}

/**
 * Built, the worker is `spend-writer-worker.js`. Run from source (vitest, tsx), it is TypeScript:
 * Node 20 ignores `--import tsx` in a worker's execArgv, so a two-line bootstrap registers tsx's
 * loader inside the worker thread and then imports the entry.
 */
function startWorker(databaseUrl: string): Worker {
  const workerData = { databaseUrl };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./spend-writer-worker.js', import.meta.url), { workerData });
  }
  const entry = new URL('./spend-writer-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export function createSpendWriter(database: DatabaseHandle, logger: Logger): SpendWriter {
  return database.inMemory
    ? new InlineSpendWriter(database, logger)
    : new WorkerSpendWriter(database, logger);
}
