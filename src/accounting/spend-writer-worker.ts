import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.js';
import type { WorkerReply, WorkerRequest } from './spend-writer-protocol.js';
import { decodeSpendRows } from './spend-row-codec.js';
import { writeSpendBatch } from './write-spend-batch.js';

/** The spend writer's thread: its own connection (WAL lets the gateway read meanwhile). */
const { databaseUrl } = workerData as { databaseUrl: string };
// The gateway migrated the database before starting this worker.
const database = openDatabase(databaseUrl, { migrate: false });
const port = parentPort;

port?.on('message', (message: WorkerRequest) => {
  if (message.type === 'close') {
    database.close();
    port.close();
    return;
  }
  const { id, batch } = message;
  try {
    const count = writeSpendBatch(database.db, decodeSpendRows(batch));
    const reply: WorkerReply = { type: 'written', id, count };
    port.postMessage(reply);
  } catch (error) {
    const reply: WorkerReply = {
      type: 'failed',
      id,
      error: error instanceof Error ? error.message : String(error),
      batch,
    };
    port.postMessage(reply, [batch.bytes.buffer as ArrayBuffer]);
  }
});
