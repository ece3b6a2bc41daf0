import { MemoryVectorIndex } from './memory-vector-index.js';
import type { RedisCache } from './redis-cache.js';
import type { SemanticIndex, SemanticMatch } from './semantic-index.js';

export interface RedisVectorIndexOptions {
  /**
   * The Redis exact cache: the answers are there (an expired answer simply misses), and its
   * client (key prefix: the cache namespace) and outage handling serve the vectors too.
   */
  readonly cache: RedisCache;
  readonly similarityThreshold: number;
  readonly now?: (() => number) | undefined;
  /**
   * How long a lookup waits for a partition's first read from Redis before answering from what
   * is loaded so far (a large partition keeps loading in the background).
   */
  readonly firstReadWaitMs?: number | undefined;
  /** Expired entries at a stream's head are trimmed at most this often per partition. */
  readonly trimIntervalMs?: number | undefined;
}

/**
 * Stream entries read per XRANGE: 200 × 1536 floats is 1.2 MB, a reply that stays well within
 * the cache's command timeout (250 ms by default) on a busy machine.
 */
const READ_BATCH = 200;
const DEFAULT_FIRST_READ_WAIT_MS = 200;
const DEFAULT_TRIM_INTERVAL_MS = 10_000;

/** What this process has read of one partition's stream. */
interface Feed {
  /** The last stream id read (`-` before the first read). */
  lastId: string;
  /** The read in progress, which concurrent lookups share. */
  reading: Promise<void> | undefined;
  /** Whether one read has completed. */
  loaded: boolean;
  /** Ids and expiries of the entries read, oldest first, for trimming the stream's head. */
  ids: string[];
  expiries: number[];
  lastTrimAt: number;
}

/**
 * `redis-semantic` on plain Redis 7 (no modules): each partition's prompt vectors are appended
 * to a Redis stream (`sem:<partition>` under the cache namespace: key, expiry, float32 vector),
 * the source of truth that survives a restart and that every gateway instance shares. Each
 * process searches an in-memory copy (memory-vector-index.ts: sketch prefilter, exact
 * rescoring), loaded on a partition's first lookup and brought up to date at every lookup with
 * one `XRANGE` from the last id read, so another instance's answers are found at once.
 *
 * Expiry: the answer keys carry the TTL (an expired answer is a miss), the in-memory copy skips
 * expired vectors so a live neighbour behind one is still found, the stream key expires with its
 * longest-lived entry, and expired entries at its head are trimmed with `XTRIM MINID`.
 */
export class RedisVectorIndex implements SemanticIndex {
  private readonly memory: MemoryVectorIndex;
  private readonly options: RedisVectorIndexOptions;
  private readonly feeds = new Map<string, Feed>();
  private readonly now: () => number;

  constructor(options: RedisVectorIndexOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.memory = new MemoryVectorIndex({
      store: options.cache,
      similarityThreshold: options.similarityThreshold,
      now: this.now,
    });
  }

  async nearest(partition: string, vector: Float32Array): Promise<SemanticMatch | undefined> {
    // Without Redis there are no answers to serve either: a miss, like the exact cache's.
    if (!(await this.options.cache.usable())) return undefined;
    try {
      await this.catchUp(partition);
    } catch (error) {
      this.options.cache.report({ error });
      return undefined;
    }
    return this.memory.nearest(partition, vector);
  }

  async add(
    partition: string,
    vector: Float32Array,
    entry: { key: string; ttlMs: number },
  ): Promise<void> {
    const expiresAt = Math.ceil(this.now() + entry.ttlMs);
    const stream = streamKey(partition);
    const blob = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
    const { cache } = this.options;
    if (!(await cache.usable())) return;
    try {
      // The stream lives as long as its longest-lived entry: NX sets a first expiry, GT extends it.
      await cache.redis
        .multi()
        .xadd(stream, '*', 'k', entry.key, 'e', String(expiresAt), 'v', blob)
        .pexpireat(stream, expiresAt, 'NX')
        .pexpireat(stream, expiresAt, 'GT')
        .exec();
      cache.report('ok');
    } catch (error) {
      cache.report({ error });
    }
    // Seen by this process at its next lookup, through the same read as other instances' entries.
  }

  close(): Promise<void> {
    this.feeds.clear();
    return this.memory.close();
  }

  /** Reads what was appended to the partition's stream since the last read. */
  private async catchUp(partition: string): Promise<void> {
    let feed = this.feeds.get(partition);
    if (feed === undefined) {
      feed = {
        lastId: '-',
        reading: undefined,
        loaded: false,
        ids: [],
        expiries: [],
        lastTrimAt: 0,
      };
      this.feeds.set(partition, feed);
    }
    const current = feed;
    current.reading ??= this.read(partition, current).finally(() => {
      current.reading = undefined;
    });
    if (current.loaded) return current.reading;
    // The first read of a big partition may take a while: answer from what is loaded by then.
    await Promise.race([
      current.reading,
      delay(this.options.firstReadWaitMs ?? DEFAULT_FIRST_READ_WAIT_MS),
    ]);
  }

  private async read(partition: string, feed: Feed): Promise<void> {
    const stream = streamKey(partition);
    const now = this.now();
    for (;;) {
      const start = feed.lastId === '-' ? '-' : `(${feed.lastId}`;
      const entries = await this.options.cache.redis.xrangeBuffer(
        stream,
        start,
        '+',
        'COUNT',
        READ_BATCH,
      );
      for (const [rawId, fields] of entries) {
        const id = rawId.toString();
        feed.lastId = id;
        const entry = decodeEntry(fields);
        if (entry === undefined) continue;
        feed.ids.push(id);
        feed.expiries.push(entry.expiresAt);
        if (entry.expiresAt > now) this.memory.put(partition, entry);
      }
      if (entries.length < READ_BATCH) break;
    }
    feed.loaded = true;
    await this.trimHead(partition, feed);
  }

  /** Drops the expired entries at the head of the stream (entries are in insertion order). */
  private async trimHead(partition: string, feed: Feed): Promise<void> {
    const now = this.now();
    if (now - feed.lastTrimAt < (this.options.trimIntervalMs ?? DEFAULT_TRIM_INTERVAL_MS)) return;
    feed.lastTrimAt = now;
    let expired = 0;
    while (expired < feed.expiries.length && (feed.expiries[expired] as number) <= now)
      expired += 1;
    if (expired === 0) return;
    const firstLive = feed.ids[expired];
    feed.ids = feed.ids.slice(expired);
    feed.expiries = feed.expiries.slice(expired);
    // MINID removes every entry with a lower id; with none alive, everything read so far goes.
    const threshold = firstLive ?? nextId(feed.lastId);
    await this.options.cache.redis.xtrim(streamKey(partition), 'MINID', threshold);
  }
}

function streamKey(partition: string): string {
  return `sem:${partition}`;
}

/** The smallest stream id after `id` (`ms-seq`). */
function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${Number(seq ?? 0) + 1}`;
}

/** A stream entry's fields (`k`, `e`, `v`), or undefined when malformed. */
function decodeEntry(
  fields: readonly Buffer[],
): { key: string; expiresAt: number; vector: Float32Array } | undefined {
  let key: string | undefined;
  let expiresAt: number | undefined;
  let vector: Float32Array | undefined;
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const name = fields[index]?.toString();
    const value = fields[index + 1] as Buffer;
    if (name === 'k') key = value.toString();
    else if (name === 'e') expiresAt = Number(value.toString());
    else if (name === 'v' && value.length > 0 && value.length % 4 === 0) {
      // Copied: a Buffer's offset need not be 4-aligned. Float32 in the platform's (little)
      // endianness, as every Node platform is.
      vector = new Float32Array(new Uint8Array(value).buffer);
    }
  }
  if (key === undefined || vector === undefined || !Number.isFinite(expiresAt)) return undefined;
  return { key, expiresAt: expiresAt as number, vector };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
