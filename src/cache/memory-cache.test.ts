import { describe, expect, it } from 'vitest';
import { MemoryCache } from './memory-cache.js';
import { parseCacheControlHeader } from './cache-controls.js';
import { replayAsStream } from '../core/replay-as-stream.js';

describe('MemoryCache', () => {
  it('expires entries on its clock', async () => {
    let now = 0;
    const cache = new MemoryCache({ maxBytes: 10_000, now: () => now });
    await cache.set('a', 'value', 1000);
    now = 999;
    expect(await cache.get('a')).toBe('value');
    now = 1000;
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.size.bytes).toBe(0);
  });
  it('evicts the least recently used entries past its byte bound', async () => {
    const cache = new MemoryCache({ maxBytes: 3 * (64 + 2 * 11) });
    for (const name of ['a', 'b', 'c']) await cache.set(name, 'x'.repeat(10), 60_000);
    await cache.get('a');
    await cache.set('d', 'x'.repeat(10), 60_000);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(3 * (64 + 2 * 11));
  });
});

describe('parseCacheControlHeader', () => {
  it('reads no-cache, no-store and max-age', () => {
    expect(parseCacheControlHeader('no-cache, max-age=30')).toEqual({
      noCache: true,
      noStore: false,
      maxAgeSeconds: 30,
    });
    expect(parseCacheControlHeader('No-Store')).toEqual({
      noCache: false,
      noStore: true,
      maxAgeSeconds: undefined,
    });
  });
});

describe('replayAsStream', () => {
  it('replays role, content, finish and usage chunks', () => {
    const chunks = [
      ...replayAsStream({
        id: 'c1',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      }),
    ];
    expect(
      chunks.map((chunk) => [
        chunk.choices[0]?.delta,
        chunk.choices[0]?.finish_reason,
        chunk.usage,
      ]),
    ).toEqual([
      [{ role: 'assistant', content: '' }, null, undefined],
      [{ content: 'hello' }, null, undefined],
      [{}, 'stop', undefined],
      [undefined, undefined, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }],
    ]);
  });
});
