import {
  execRaw,
  inRawTransaction,
  loadSqliteVec,
  prepareRawQuery,
  type RawQuery,
  type TollgateDb,
} from '../db/client.js';
import type { SemanticIndex, SemanticMatch } from './semantic-index.js';
import { SketchTable } from './sketch-table.js';
import { hammingRadius, SKETCH_VERSION, SKETCH_WORDS, sketchVector } from './vector-sketch.js';

export interface SqliteVectorIndexOptions {
  /** The gateway's own database (file or `:memory:`); the index never closes it. */
  readonly db: TollgateDb;
  /** `cache_params.similarity_threshold`: the prefilter keeps every row that may reach it. */
  readonly similarityThreshold: number;
  readonly now?: (() => number) | undefined;
  /** Milliseconds between deletions of expired entries (and once at start). */
  readonly pruneIntervalMs?: number | undefined;
}

/** Sketch candidates rescored exactly at most; beyond this, sqlite-vec's exact KNN decides. */
const CANDIDATE_LIMIT = 256;
const DEFAULT_PRUNE_INTERVAL_MS = 60_000;

/**
 * Entries (key, expiry, answer, sketch) in a plain table; the float vectors in one sqlite-vec
 * `vec0` table per dimension count, under the same rowid. Created here rather than by the
 * drizzle migrations: vec0 needs the extension loaded and a dimension known only at run time.
 */
const ENTRIES_DDL = `
create table if not exists semantic_cache_entries (
  id integer primary key,
  partition text not null,
  cache_key text not null,
  dimensions integer not null,
  expires_at integer not null,
  sketch_version integer not null,
  sketch blob not null,
  value text not null,
  unique (partition, cache_key)
);
create index if not exists semantic_cache_entries_scan
  on semantic_cache_entries (partition, dimensions, id);
create index if not exists semantic_cache_entries_expiry on semantic_cache_entries (expires_at);
`;

/** The statements of one dimension count's vec0 table. */
interface VectorTable {
  readonly insert: RawQuery;
  readonly remove: RawQuery;
  /** Exact cosine distance of one stored vector to the query. */
  readonly distance: RawQuery;
  /** sqlite-vec's exact nearest neighbour in a partition (when the sketch cannot prune). */
  readonly nearest: RawQuery;
}

/** The in-process view of one partition: sketches of its live entries, read incrementally. */
interface PartitionView {
  readonly table: SketchTable;
  /** Entry id of each sketch row. */
  readonly ids: number[];
  /** Row of each cache key. */
  readonly rows: Map<string, number>;
  /** The highest entry id read so far. */
  lastId: number;
}

/**
 * `sqlite-semantic`: prompt vectors, their expiry and the answers in the gateway's own SQLite,
 * so an index and its answers survive a restart together (the answers are small; keeping them
 * in the local memory store would leave a restarted gateway with vectors pointing at nothing).
 *
 * Lookups do not scan the floats: each partition's 32-byte sketches are held in memory (read
 * from the entries table on first use, then incrementally, so another process writing the same
 * file is seen too), the few rows whose sketch can reach the threshold are rescored exactly by
 * sqlite-vec's `vec_distance_cosine`, and when a low threshold leaves too many candidates
 * sqlite-vec's exact KNN over the partition decides instead.
 */
export class SqliteVectorIndex implements SemanticIndex {
  private readonly db: TollgateDb;
  private readonly radius: number;
  private readonly now: () => number;
  private readonly views = new Map<string, PartitionView>();
  private readonly vectorTables = new Map<number, VectorTable>();
  private readonly statements: {
    readonly find: RawQuery;
    readonly insert: RawQuery;
    readonly remove: RawQuery;
    readonly read: RawQuery;
    readonly value: RawQuery;
    readonly prune: RawQuery;
  };
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(options: SqliteVectorIndexOptions) {
    this.db = options.db;
    this.radius = hammingRadius(options.similarityThreshold);
    this.now = options.now ?? Date.now;
    loadSqliteVec(this.db);
    execRaw(this.db, ENTRIES_DDL);
    const prepare = (sql: string): RawQuery => prepareRawQuery(this.db, sql);
    this.statements = {
      find: prepare(
        'select id, dimensions from semantic_cache_entries where partition = ? and cache_key = ?',
      ),
      insert: prepare(
        `insert into semantic_cache_entries
           (partition, cache_key, dimensions, expires_at, sketch_version, sketch, value)
         values (?, ?, ?, ?, ?, ?, ?)`,
      ),
      remove: prepare('delete from semantic_cache_entries where id = ?'),
      read: prepare(
        `select id, cache_key, expires_at, sketch from semantic_cache_entries
         where partition = ? and dimensions = ? and sketch_version = ? and id > ? and expires_at > ?
         order by id`,
      ),
      value: prepare('select value from semantic_cache_entries where id = ? and expires_at > ?'),
      prune: prepare(
        'delete from semantic_cache_entries where expires_at <= ? returning id, dimensions',
      ),
    };
    this.prune();
    this.pruneTimer = setInterval(
      () => this.prune(),
      options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS,
    );
    this.pruneTimer.unref();
  }

  nearest(partition: string, vector: Float32Array): Promise<SemanticMatch | undefined> {
    return Promise.resolve(this.search(partition, vector));
  }

  /** The lookup, synchronous (the benchmark measures it). */
  search(partition: string, vector: Float32Array): SemanticMatch | undefined {
    const view = this.catchUp(partition, vector.length);
    const now = this.now();
    const found = view.table.candidates({
      sketch: sketchVector(vector),
      radius: this.radius,
      now,
      limit: CANDIDATE_LIMIT,
    });
    const query = vectorBlob(vector);
    const best = found.overflow
      ? this.exactNearest({ partition, query, dimensions: vector.length, now })
      : this.rescore({ view, rows: found.rows, query, dimensions: vector.length });
    if (best === undefined) return undefined;
    const row = this.statements.value.get([best.id, now]);
    return { similarity: best.similarity, value: isValueRow(row) ? row.value : undefined };
  }

  add(
    partition: string,
    vector: Float32Array,
    entry: { key: string; value: string; ttlMs: number },
  ): Promise<void> {
    const dimensions = vector.length;
    const vectors = this.vectorTable(dimensions);
    const expiresAt = Math.floor(this.now() + entry.ttlMs);
    const sketch = sketchVector(vector);
    inRawTransaction(this.db, () => {
      const previous = this.statements.find.get([partition, entry.key]);
      if (isIdRow(previous)) {
        this.statements.remove.run([previous.id]);
        this.vectorTable(previous.dimensions).remove.run([BigInt(previous.id)]);
      }
      const { lastInsertRowid: id } = this.statements.insert.run([
        partition,
        entry.key,
        dimensions,
        expiresAt,
        SKETCH_VERSION,
        Buffer.from(sketch.buffer, sketch.byteOffset, sketch.byteLength),
        entry.value,
      ]);
      vectors.insert.run([BigInt(id), partition, vectorBlob(vector), BigInt(expiresAt)]);
    });
    return Promise.resolve();
  }

  /** Deletes expired entries and their vectors; returns how many. */
  prune(): number {
    return inRawTransaction(this.db, () => {
      const removed = this.statements.prune.all([Math.floor(this.now())]);
      for (const row of removed) {
        if (isIdRow(row)) this.vectorTable(row.dimensions).remove.run([BigInt(row.id)]);
      }
      return removed.length;
    });
  }

  close(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.views.clear();
    return Promise.resolve();
  }

  /** The partition's view, brought up to date with entries written since the last lookup. */
  private catchUp(partition: string, dimensions: number): PartitionView {
    const name = `${dimensions}/${partition}`;
    let view = this.views.get(name);
    if (view === undefined || view.table.sparse) {
      view = { table: new SketchTable(), ids: [], rows: new Map(), lastId: 0 };
      this.views.set(name, view);
    }
    const rows = this.statements.read.all([
      partition,
      dimensions,
      SKETCH_VERSION,
      view.lastId,
      Math.floor(this.now()),
    ]);
    for (const row of rows) {
      if (!isEntryRow(row)) continue;
      const previous = view.rows.get(row.cache_key);
      if (previous !== undefined) view.table.kill(previous);
      const sketch = new Int32Array(SKETCH_WORDS);
      new Uint8Array(sketch.buffer).set(row.sketch.subarray(0, sketch.byteLength));
      const at = view.table.append(sketch, row.expires_at);
      view.ids[at] = row.id;
      view.rows.set(row.cache_key, at);
      view.lastId = Math.max(view.lastId, row.id);
    }
    return view;
  }

  private rescore(search: {
    view: PartitionView;
    rows: Int32Array;
    query: Buffer;
    dimensions: number;
  }): { id: number; similarity: number } | undefined {
    const { distance } = this.vectorTable(search.dimensions);
    let best: { id: number; similarity: number } | undefined;
    for (const row of search.rows) {
      const id = search.view.ids[row];
      if (id === undefined) continue;
      const found = distance.get([search.query, BigInt(id)]);
      if (!isDistanceRow(found)) continue;
      const similarity = 1 - found.distance;
      if (best === undefined || similarity > best.similarity) best = { id, similarity };
    }
    return best;
  }

  private exactNearest(search: {
    partition: string;
    query: Buffer;
    dimensions: number;
    now: number;
  }): { id: number; similarity: number } | undefined {
    const row = this.vectorTable(search.dimensions).nearest.get([
      search.query,
      search.partition,
      BigInt(Math.floor(search.now)),
    ]);
    return isNearestRow(row) ? { id: row.rowid, similarity: 1 - row.distance } : undefined;
  }

  private vectorTable(dimensions: number): VectorTable {
    let table = this.vectorTables.get(dimensions);
    if (table !== undefined) return table;
    if (!Number.isInteger(dimensions) || dimensions <= 0)
      throw new Error(`invalid vector dimensions ${dimensions}`);
    const name = `semantic_cache_vectors_${dimensions}`;
    execRaw(
      this.db,
      `create virtual table if not exists ${name} using vec0(
         partition text partition key,
         embedding float[${dimensions}] distance_metric=cosine,
         expires_at integer
       )`,
    );
    const prepare = (sql: string): RawQuery => prepareRawQuery(this.db, sql);
    table = {
      insert: prepare(
        `insert into ${name} (rowid, partition, embedding, expires_at) values (?, ?, ?, ?)`,
      ),
      remove: prepare(`delete from ${name} where rowid = ?`),
      distance: prepare(
        `select vec_distance_cosine(embedding, ?) as distance from ${name} where rowid = ?`,
      ),
      nearest: prepare(
        `select rowid, distance from ${name}
         where embedding match ? and k = 1 and partition = ? and expires_at > ?`,
      ),
    };
    this.vectorTables.set(dimensions, table);
    return table;
  }
}

function vectorBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

// Rows of our own tables, checked by hand: these run on every lookup.

function isRecord(row: unknown): row is Record<string, unknown> {
  return typeof row === 'object' && row !== null;
}

function isIdRow(row: unknown): row is { id: number; dimensions: number } {
  return isRecord(row) && typeof row.id === 'number' && typeof row.dimensions === 'number';
}

function isValueRow(row: unknown): row is { value: string } {
  return isRecord(row) && typeof row.value === 'string';
}

function isDistanceRow(row: unknown): row is { distance: number } {
  return isRecord(row) && typeof row.distance === 'number';
}

function isNearestRow(row: unknown): row is { rowid: number; distance: number } {
  return isRecord(row) && typeof row.rowid === 'number' && typeof row.distance === 'number';
}

function isEntryRow(
  row: unknown,
): row is { id: number; cache_key: string; expires_at: number; sketch: Buffer } {
  return (
    isRecord(row) &&
    typeof row.id === 'number' &&
    typeof row.cache_key === 'string' &&
    typeof row.expires_at === 'number' &&
    Buffer.isBuffer(row.sketch)
  );
}
