import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VectorFixtures } from '../../test/support/vector-fixtures.js';
import { openDatabase, prepareRawQuery, type DatabaseHandle } from '../db/client.js';
import { SqliteVectorIndex } from './sqlite-vector-index.js';

const random = new VectorFixtures(42);
const opened: { close(): unknown }[] = [];

function open(url = ':memory:'): DatabaseHandle {
  const handle = openDatabase(url);
  opened.push(handle);
  return handle;
}

function index(
  handle: DatabaseHandle,
  options: { threshold?: number; now?: () => number } = {},
): SqliteVectorIndex {
  const created = new SqliteVectorIndex({
    db: handle.db,
    similarityThreshold: options.threshold ?? 0.9,
    now: options.now,
  });
  opened.unshift({ close: () => created.close() });
  return created;
}

function count(handle: DatabaseHandle, sql: string): number {
  const row = prepareRawQuery(handle.db, sql).get([]) as { n: number };
  return row.n;
}

afterEach(() => {
  for (const handle of opened.splice(0)) handle.close();
});

describe('SqliteVectorIndex', () => {
  it('finds the nearest stored prompt with its answer, by exact similarity', async () => {
    const vectors = open();
    const semantic = index(vectors);
    const base = random.unit(256);
    await semantic.add('p', base, { key: 'a', value: 'answer a', ttlMs: 60_000 });
    await semantic.add('p', random.near(base, 0.93), {
      key: 'b',
      value: 'answer b',
      ttlMs: 60_000,
    });
    for (let row = 0; row < 500; row += 1)
      await semantic.add('p', random.unit(256), { key: `r${row}`, value: 'x', ttlMs: 60_000 });
    const query = random.near(base, 0.97);
    const match = await semantic.nearest('p', query);
    expect(match?.value).toBe('answer a');
    let exact = 0;
    for (let index = 0; index < 256; index += 1) exact += (query[index] ?? 0) * (base[index] ?? 0);
    expect(match?.similarity).toBeCloseTo(exact, 5);
    expect(await semantic.nearest('p', random.unit(256))).toBeUndefined();
  });

  it('keeps partitions and dimensions apart, and replaces a key', async () => {
    const semantic = index(open());
    const base = random.unit(64);
    await semantic.add('p', base, { key: 'a', value: 'first', ttlMs: 60_000 });
    expect(await semantic.nearest('q', base)).toBeUndefined();
    expect(await semantic.nearest('p', random.unit(128))).toBeUndefined();
    const other = random.unit(64);
    await semantic.add('p', other, { key: 'a', value: 'second', ttlMs: 60_000 });
    expect(await semantic.nearest('p', base)).toBeUndefined();
    expect((await semantic.nearest('p', other))?.value).toBe('second');
  });

  it('never serves an expired entry, finds the live one behind it, and prunes', async () => {
    let now = 1_000_000;
    const handle = open();
    const semantic = index(handle, { now: () => now });
    const base = random.unit(256);
    await semantic.add('p', base, { key: 'short', value: 'short-lived', ttlMs: 1_000 });
    await semantic.add('p', random.near(base, 0.95), {
      key: 'long',
      value: 'long-lived',
      ttlMs: 10_000,
    });
    expect((await semantic.nearest('p', base))?.value).toBe('short-lived');
    now += 1_000;
    expect((await semantic.nearest('p', base))?.value).toBe('long-lived');
    expect(semantic.prune()).toBe(1);
    expect(count(handle, 'select count(*) as n from semantic_cache_entries')).toBe(1);
    expect(count(handle, 'select count(*) as n from semantic_cache_vectors_256')).toBe(1);
    now += 10_000;
    expect(await semantic.nearest('p', base)).toBeUndefined();
  });

  it('falls back to sqlite-vec’s exact KNN when the threshold is too low to prune', async () => {
    const semantic = index(open(), { threshold: 0 });
    const stored = Array.from({ length: 400 }, () => random.unit(32));
    for (const [key, vector] of stored.entries())
      await semantic.add('p', vector, { key: `k${key}`, value: `v${key}`, ttlMs: 60_000 });
    for (let query = 0; query < 10; query += 1) {
      const vector = random.unit(32);
      let best = -Infinity;
      let bestKey = -1;
      for (const [key, candidate] of stored.entries()) {
        let dot = 0;
        for (let index = 0; index < 32; index += 1)
          dot += (vector[index] ?? 0) * (candidate[index] ?? 0);
        if (dot > best) [best, bestKey] = [dot, key];
      }
      const match = await semantic.nearest('p', vector);
      expect(match?.value).toBe(`v${bestKey}`);
      expect(match?.similarity).toBeCloseTo(best, 5);
    }
  });

  it('survives a restart on a database file, and sees another connection’s entries', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-semantic-'));
    opened.push({ close: () => rmSync(directory, { recursive: true, force: true }) });
    const file = join(directory, 'tollgate.db');
    const base = random.unit(256);
    const first = open(file);
    const writer = index(first);
    const reader = index(open(file));
    expect(await reader.nearest('p', base)).toBeUndefined();
    await writer.add('p', base, { key: 'a', value: 'kept', ttlMs: 60_000 });
    expect((await reader.nearest('p', random.near(base, 0.96)))?.value).toBe('kept');
    await writer.close();
    first.close();
    const restarted = index(open(file));
    expect((await restarted.nearest('p', random.near(base, 0.96)))?.value).toBe('kept');
  });
});
