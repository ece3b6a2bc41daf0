/**
 * Nearest-neighbour lookup of the semantic cache over 100,000 stored prompts in one partition
 * (the worst case: one model group, scope and tool set). Run: `npx tsx bench/semantic-cache.ts`.
 * Prints the median and p99 of one lookup; exits 1 when the median is not under 5 ms.
 */
import { MemoryCache } from '../src/cache/memory-cache.js';
import { MemoryVectorIndex } from '../src/cache/memory-vector-index.js';
import { normalize } from '../src/cache/semantic-index.js';

const STORED = 100_000;
const DIMENSIONS = Number(process.env.DIMENSIONS ?? 256);
const LOOKUPS = 200;
const TARGET_MS = 5;

function randomVector(): Float32Array {
  return normalize(Array.from({ length: DIMENSIONS }, () => Math.random() * 2 - 1));
}

const index = new MemoryVectorIndex(new MemoryCache({ maxBytes: 1 }));
for (let row = 0; row < STORED; row += 1) {
  await index.add('p', randomVector(), { key: `k${row}` });
}
const timings: number[] = [];
for (let lookup = 0; lookup < LOOKUPS; lookup += 1) {
  const query = randomVector();
  const started = performance.now();
  index.search('p', query);
  timings.push(performance.now() - started);
}
timings.sort((a, b) => a - b);
const median = timings[Math.floor(LOOKUPS / 2)] ?? 0;
const p99 = timings[Math.floor(LOOKUPS * 0.99)] ?? 0;
console.log(
  `semantic cache: ${STORED} prompts x ${DIMENSIONS} dims, lookup median ${median.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target < ${TARGET_MS} ms)`,
);
process.exitCode = median < TARGET_MS ? 0 : 1;
