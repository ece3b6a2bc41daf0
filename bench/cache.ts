/**
 * Cache-hit benchmark (issue 7): a cache hit's latency at concurrency 1 (p50/p99) and its
 * requests per second at concurrency 64, for the memory and the Redis cache, next to the
 * pass-through proxy's round trip to the fake upstream measured in the same run. Target: a
 * memory hit answers faster (c1 p50) than the proxy's round trip; the exit code is 1 when
 * missed.
 *
 * Each target is its own process: the fake upstream, the pass-through proxy in front of it, and
 * two Tollgate gateways (`cache_params.type: local`, `redis` on 127.0.0.1:6379 or REDIS_URL,
 * skipped with a note when Redis is unreachable), measured in interleaved rounds. The gateways
 * run with the master key and spend logs on; every measured request is the same prompt, stored
 * by one request before the rounds and checked to be a hit before and after them.
 *
 *   npx tsx bench/cache.ts [--rounds N] [--seconds S] [--no-build]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildGateway, transpileBenchServers } from './build-servers.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { formatMachine, machineInfo } from './machine-info.js';
import { median, percentiles, sortedSamples } from './latency-stats.js';
import { createLoadPool, runLoad, type LoadRequest } from './load-generator.js';
import { deleteKeys, redisAnswers, REDIS_URL } from '../test/cache/support.js';

const ROOT = join(import.meta.dirname, '..');
const MASTER = 'sk-bench-master-0000000000000000';
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const durationMs = Number(values.seconds) * 1000;

const BODY = JSON.stringify({
  model: 'bench',
  messages: [{ role: 'user', content: 'In one sentence, what does an LLM gateway do?' }],
  max_tokens: 64,
});
const REQUEST: LoadRequest = {
  path: '/v1/chat/completions',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
  body: BODY,
  stream: false,
};

function config(upstream: string, cacheParams: readonly string[]): string {
  return [
    'model_list:',
    '  - model_name: bench',
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${upstream}/v1`,
    '      api_key: sk-bench',
    '      input_cost_per_token: 0.00000015',
    '      output_cost_per_token: 0.0000006',
    'litellm_settings:',
    '  cache: true',
    '  cache_params:',
    ...cacheParams.map((line) => `    ${line}`),
    '',
  ].join('\n');
}

/** Sends the bench request once and returns its `x-tollgate-cache` header. */
async function cacheStatus(url: string): Promise<string | null> {
  const response = await fetch(`${url}${REQUEST.path}`, {
    method: 'POST',
    headers: REQUEST.headers,
    body: REQUEST.body,
  });
  if (response.status !== 200) {
    throw new Error(`${url}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  }
  await response.arrayBuffer();
  return response.headers.get('x-tollgate-cache');
}

async function expectHit(target: Target): Promise<void> {
  const status = await cacheStatus(target.server.url);
  if (status !== 'hit') throw new Error(`${target.name}: expected a cache hit, got ${status}`);
}

interface Target {
  readonly name: string;
  readonly server: ChildServer;
  /** Whether the target is a gateway serving hits (the proxy is not). */
  readonly cached: boolean;
}

interface Samples {
  c1: number[];
  rps: number[];
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const cli = values['no-build'] ? join(ROOT, 'dist', 'cli.js') : buildGateway(ROOT, log);
const benchJs = transpileBenchServers(ROOT);
const scratch = mkdtempSync(join(tmpdir(), 'tollgate-cache-bench-'));
const namespace = `tollgate-bench:${randomUUID()}:`;
const withRedis = await redisAnswers(REDIS_URL);
if (!withRedis) log(`Redis at ${REDIS_URL} is unreachable: the Redis cache is not measured`);

const started: ChildServer[] = [];
const startGateway = async (name: string, cacheParams: readonly string[]) => {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, config(upstream.url, cacheParams));
  const server = await startChildServer(`Tollgate (${name} cache)`, {
    file: process.execPath,
    args: [cli, '--config', file, '--port', '0', '--db', join(scratch, `${name}.db`)],
    env: { ...process.env, TOLLGATE_MASTER_KEY: MASTER },
  });
  started.push(server);
  return server;
};

const upstream = await startChildServer('fake upstream', {
  file: process.execPath,
  args: [join(benchJs, 'fake-upstream.js'), '--port', '0'],
});
started.push(upstream);
const samples = new Map<string, Samples>();
const targets: Target[] = [];
try {
  const proxy = await startChildServer('pass-through proxy', {
    file: process.execPath,
    args: [join(benchJs, 'passthrough-proxy.js'), '--upstream', upstream.url, '--port', '0'],
  });
  started.push(proxy);
  targets.push({ name: 'pass-through proxy → fake upstream', server: proxy, cached: false });
  targets.push({
    name: 'memory cache hit',
    server: await startGateway('memory', ['type: local']),
    cached: true,
  });
  if (withRedis) {
    targets.push({
      name: 'Redis cache hit',
      server: await startGateway('redis', [
        'type: redis',
        `url: ${REDIS_URL}`,
        `namespace: "${namespace}"`,
      ]),
      cached: true,
    });
  }
  for (const target of targets) {
    samples.set(target.name, { c1: [], rps: [] });
    if (!target.cached) continue;
    const first = await cacheStatus(target.server.url);
    if (first !== 'miss') throw new Error(`${target.name}: the first request was ${first}`);
    await expectHit(target);
  }

  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order so that no target always runs first (or last) on a busy machine.
    const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
    for (const target of order) {
      const recorded = samples.get(target.name)!;
      const pool64 = createLoadPool(target.server.url, 64);
      await runLoad(pool64, REQUEST, { concurrency: 64, durationMs: 500 });
      const load = await runLoad(pool64, REQUEST, { concurrency: 64, durationMs });
      await pool64.close();
      if (load.errors > 0) {
        throw new Error(`${target.name}: ${load.errors} errors (${load.firstError ?? ''})`);
      }
      recorded.rps.push((load.latencies.length / load.elapsedMs) * 1000);
      const pool1 = createLoadPool(target.server.url, 1);
      const single = await runLoad(pool1, REQUEST, { concurrency: 1, durationMs: durationMs / 2 });
      await pool1.close();
      if (single.errors > 0) {
        throw new Error(`${target.name}: ${single.errors} errors (${single.firstError ?? ''})`);
      }
      recorded.c1.push(...single.latencies);
    }
  }
  for (const target of targets) if (target.cached) await expectHit(target);
} finally {
  await Promise.all(started.map((server) => server.stop()));
  if (withRedis) await deleteKeys(namespace);
}

console.log(formatMachine(machineInfo()));
console.log(
  `JSON chat completion, ${rounds} interleaved rounds of ${durationMs / 1000} s at c64 and ${durationMs / 2000} s at c1`,
);
console.log('target                              c1 p50 ms  c1 p99 ms  c64 req/s (median)');
const summary = new Map<string, { p50: number; p99: number; rps: number }>();
for (const target of targets) {
  const recorded = samples.get(target.name)!;
  const { p50, p99 } = percentiles(sortedSamples(recorded.c1));
  const rps = median(recorded.rps);
  summary.set(target.name, { p50, p99, rps });
  console.log(
    `${target.name.padEnd(36)}${p50.toFixed(3).padStart(9)}  ${p99.toFixed(3).padStart(9)}  ${rps.toFixed(0).padStart(18)}`,
  );
}
const proxyRoundTrip = summary.get(targets[0]!.name)!;
const memoryHit = summary.get('memory cache hit')!;
const met = memoryHit.p50 < proxyRoundTrip.p50;
console.log(
  `memory hit faster than the proxy's round trip (c1 p50 ${memoryHit.p50.toFixed(3)} ms < ${proxyRoundTrip.p50.toFixed(3)} ms): ${met ? 'MET' : 'MISSED'}`,
);
process.exitCode = met ? 0 : 1;
