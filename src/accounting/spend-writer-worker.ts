import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.js';
import type { WorkerReply, WorkerRequest } from './spend-writer-protocol.js';
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
  let reply: WorkerReply;
  try {
    reply = { type: 'written', id: message.id, count: writeSpendBatch(database.db, message.rows) };
  } catch (error) {
    reply = {
      type: 'failed',
      id: message.id,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(reply);
});
