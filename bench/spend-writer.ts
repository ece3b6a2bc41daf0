/**
 * Spend-log writer throughput: rows per second that one batched writer sustains on this machine
 * (issue 3 asks for at least 20,000). Writes through the same function the worker thread uses,
 * into a fresh file database with WAL, in batches of BATCH_SIZE.
 *
 *   npx tsx bench/spend-writer.ts [rows]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_SIZE } from '../src/accounting/spend-writer.js';
import { writeSpendBatch } from '../src/accounting/write-spend-batch.js';
import { openDatabase } from '../src/db/client.js';
import type { NewSpendLogRow } from '../src/db/schema/spend-logs.js';

const TARGET_ROWS_PER_SECOND = 20_000;
const total = Number(process.argv[2] ?? 100_000);
const database = openDatabase(join(mkdtempSync(join(tmpdir(), 'tollgate-bench-')), 'db.sqlite'));

function row(index: number): NewSpendLogRow {
  const now = Date.now();
  return {
    requestId: randomUUID(),
    keyId: `key_${index % 50}`,
    teamId: `team_${index % 5}`,
    kind: 'chat',
    requestedModel: 'chat',
    servedModel: 'chat',
    deploymentId: 'chat-1',
    provider: 'openai',
    attempts: [
      {
        deploymentId: 'chat-1',
        provider: 'openai',
        modelGroup: 'chat',
        latencyMs: 12.5,
        errorCode: null,
      },
    ],
    promptTokens: 120,
    completionTokens: 340,
    cachedTokens: 0,
    cacheCreationTokens: 0,
    reasoningTokens: 0,
    costNanos: 123_456,
    costSavedNanos: 0,
    latencyMs: 250,
    timeToFirstTokenMs: null,
    cacheStatus: null,
    streamed: false,
    status: 'success',
    httpStatus: 200,
    errorLayer: null,
    errorCode: null,
    startTime: now - 250,
    endTime: now,
    endUser: null,
    metadata: null,
  };
}

const rows = Array.from({ length: total }, (_, index) => row(index));
const started = performance.now();
for (let offset = 0; offset < rows.length; offset += BATCH_SIZE) {
  writeSpendBatch(database.db, rows.slice(offset, offset + BATCH_SIZE));
}
const seconds = (performance.now() - started) / 1000;
const rate = Math.round(total / seconds);
database.close();
const met = rate >= TARGET_ROWS_PER_SECOND;
console.log(
  `spend writer: ${total} rows in ${seconds.toFixed(2)} s = ${rate} rows/s (target ≥ ${TARGET_ROWS_PER_SECOND}): ${met ? 'MET' : 'MISSED'}`,
);
process.exitCode = met ? 0 : 1;
