/**
 * Spend-log writer throughput: rows per second that one batched writer sustains on this machine
 * (issue 3 asks for at least 20,000). Writes through the same function the worker thread uses,
 * into a fresh file database with WAL, in batches of BATCH_SIZE.
 *
 *   npx tsx bench/spend-writer.ts [rows]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_SIZE } from '../src/accounting/spend-writer.js';
import { writeSpendBatch } from '../src/accounting/write-spend-batch.js';
import { openDatabase } from '../src/db/client.js';
import type { StoredAttempt } from '../src/db/schema/spend-logs.js';
import type { SpendRow } from '../src/accounting/spend-row.js';
import { newRequestId } from '../src/core/request-id.js';

const TARGET_ROWS_PER_SECOND = 20_000;
const total = Number(process.argv[2] ?? 100_000);
const database = openDatabase(join(mkdtempSync(join(tmpdir(), 'tollgate-bench-')), 'db.sqlite'));

function row(index: number): SpendRow {
  const now = Date.now();
  const attempts: StoredAttempt[] = [
    {
      deploymentId: 'chat-1',
      provider: 'openai',
      modelGroup: 'chat',
      latencyMs: 12.5,
      errorCode: null,
    },
  ];
  return [
    newRequestId(now),
    `key_${index % 50}`,
    `team_${index % 5}`,
    'chat',
    'chat',
    'chat',
    'chat-1',
    'openai',
    JSON.stringify(attempts),
    120, // prompt tokens
    340, // completion tokens
    0,
    0,
    0,
    0,
    123_456, // cost, nano-USD
    0,
    250, // latency ms
    null,
    null,
    0,
    'success',
    200,
    null,
    null,
    now - 250,
    now,
    null,
    null,
  ];
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
