import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { spendDaily } from '../db/schema/spend-daily.js';
import { newRequestId } from '../core/request-id.js';
import type { SpendRow } from './spend-row.js';
import { writeSpendBatch } from './write-spend-batch.js';

function row(startTime: number, model: string, costNanos: number): SpendRow {
  return [
    newRequestId(startTime),
    'key_1',
    'team_1',
    'chat',
    model,
    model,
    'dep-1',
    'openai',
    '[]',
    10,
    20,
    0,
    0,
    0,
    0,
    costNanos,
    0,
    5,
    null,
    null,
    0,
    'success',
    200,
    null,
    null,
    startTime,
    startTime + 5,
    null,
    null,
  ];
}

describe('writeSpendBatch daily roll-ups', () => {
  it('add each row to the UTC day it started on, per key, team and model', () => {
    const database = openDatabase(':memory:');
    const midnight = Date.UTC(2026, 10, 25);
    const rows = [
      row(midnight - 1, 'a', 100),
      row(midnight, 'a', 200),
      row(midnight - 2, 'a', 300),
      row(midnight + 1, 'b', 400),
      row(midnight + 2, 'a', 500),
    ];
    expect(writeSpendBatch(database.db, rows)).toBe(5);
    const daily = database.db
      .select({
        day: spendDaily.day,
        model: spendDaily.model,
        requests: spendDaily.requests,
        costNanos: spendDaily.costNanos,
      })
      .from(spendDaily)
      .all()
      .sort((x, y) => `${x.day}${x.model}`.localeCompare(`${y.day}${y.model}`));
    expect(daily).toEqual([
      { day: '2026-11-24', model: 'a', requests: 2, costNanos: 400 },
      { day: '2026-11-25', model: 'a', requests: 2, costNanos: 700 },
      { day: '2026-11-25', model: 'b', requests: 1, costNanos: 400 },
    ]);
    database.close();
  });
});
