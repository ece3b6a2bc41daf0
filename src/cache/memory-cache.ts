import type { CacheHealth, CacheStore } from './cache.js';

export interface MemoryCacheOptions {
  /** Upper bound of the memory held by entries (keys and values, UTF-16 estimate). */
  readonly maxBytes: number;
  /** The clock (tests move time with it). */
  readonly now?: (() => number) | undefined;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
  readonly bytes: number;
}

/**
 * An LRU cache bounded by bytes, with a TTL per entry. A Map keeps insertion order, so
 * re-inserting on read makes its first key the least recently used one.
 */
export class MemoryCache implements CacheStore {
  readonly type = 'local' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly now: () => number;
  private bytes = 0;

  constructor(options: MemoryCacheOptions) {
    this.maxBytes = options.maxBytes;
    this.now = options.now ?? Date.now;
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.getSync(key));
  }

  getSync(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    const previous = this.entries.get(key);
    if (previous !== undefined) this.remove(key, previous);
    // Strings are UTF-16 in V8: two bytes per code unit, plus a little for the Map slot.
    const bytes = (key.length + value.length) * 2 + 64;
    if (ttlMs <= 0 || bytes > this.maxBytes) return Promise.resolve();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs, bytes });
    this.bytes += bytes;
    this.evict();
    return Promise.resolve();
  }

  /** Bytes currently held (for tests and metrics). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  health(): CacheHealth {
    return { type: this.type, status: 'ok' };
  }

  close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
    return Promise.resolve();
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      this.remove(key, entry);
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
