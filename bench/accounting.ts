/**
 * Accounting overhead (issue 3): requests per second at concurrency 64 with accounting on must
 * stay within 10% of accounting off, and the c1 p99 must not move much.
 *
 *   off: the master key (no budgets, no rate limits) and `disable_spend_logs: true`
 *   on:  a virtual key with a budget, rpm/tpm/parallel limits and a team, spend rows written
 *
 * Both are Tollgate processes in front of the same fake upstream, measured in interleaved rounds.
 *
 *   npx tsx bench/accounting.ts [--rounds N] [--seconds S]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/core/logger.js';
import { prepareRawQuery } from '../src/db/client.js';
import { Tollgate } from '../src/tollgate.js';
import { buildGateway, transpileBenchServers } from './build-servers.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { median, percentiles, sortedSamples } from './latency-stats.js';
import { createLoadPool, runLoad, type LoadRequest } from './load-generator.js';
import { threadCpuTimes, type CpuTime } from './process-metrics.js';

const ROOT = join(import.meta.dirname, '..');
const MASTER = 'sk-bench-master-0000000000000000';
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '4' }, seconds: { type: 'string', default: '3' } },
});
const rounds = Number(values.rounds);
const durationMs = Number(values.seconds) * 1000;

function config(upstream: string, disableSpendLogs: boolean): string {
  return [
    'model_list:',
    '  - model_name: bench',
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${upstream}/v1`,
    '      api_key: sk-bench',
    '      input_cost_per_token: 0.00000015',
    '      output_cost_per_token: 0.0000006',
    'general_settings:',
    `  disable_spend_logs: ${String(disableSpendLogs)}`,
    '',
  ].join('\n');
}

function request(key: string): LoadRequest {
  return {
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: 'bench',
      messages: [{ role: 'user', content: 'In one sentence, what does an LLM gateway do?' }],
      max_tokens: 64,
    }),
    stream: false,
  };
}

async function startGateway(
  name: string,
  files: { cli: string; config: string; db: string },
): Promise<ChildServer> {
  return startChildServer(name, {
    file: process.execPath,
    args: [files.cli, '--config', files.config, '--port', '0', '--db', files.db],
    env: { ...process.env, TOLLGATE_MASTER_KEY: MASTER },
  });
}

const cli = buildGateway(ROOT, (line) => process.stderr.write(`${line}\n`));
const benchJs = transpileBenchServers(ROOT);
const scratch = mkdtempSync(join(tmpdir(), 'tollgate-accounting-bench-'));
const upstream = await startChildServer('fake upstream', {
  file: process.execPath,
  args: [join(benchJs, 'fake-upstream.js'), '--port', '0'],
});
const files = {
  off: { cli, config: join(scratch, 'off.yaml'), db: join(scratch, 'off.db') },
  on: { cli, config: join(scratch, 'on.yaml'), db: join(scratch, 'on.db') },
};
writeFileSync(files.off.config, config(upstream.url, true));
writeFileSync(files.on.config, config(upstream.url, false));
// The virtual key of the "on" run, created in its database before the gateway starts.
const setup = Tollgate.create({
  config: files.on.config,
  env: {},
  database: files.on.db,
  masterKey: MASTER,
  logger: silentLogger,
});
const team = setup.keys.createTeam({ name: 'bench', maxBudget: 1_000_000, rpmLimit: 100_000_000 });
const { key } = setup.keys.createKey({
  teamId: team.id,
  maxBudget: 1_000_000,
  budgetDuration: '30d',
  rpmLimit: 100_000_000,
  tpmLimit: 1_000_000_000,
  maxParallelRequests: 10_000,
});
await setup.close();
const off = await startGateway('Tollgate (accounting off)', files.off);
const on = await startGateway('Tollgate (accounting on)', files.on);

/** Gateway CPU per c64 request (user + sys µs): all threads, the main thread, the busiest other. */
interface CpuPerRequest {
  total: number;
  main: number;
  busiestOther: number;
}

function cpuMicros(time: CpuTime | undefined): number {
  return time === undefined ? 0 : time.user + time.system;
}

function cpuPerRequest(
  pid: number,
  before: Map<number, CpuTime>,
  after: Map<number, CpuTime>,
  requests: number,
): CpuPerRequest {
  let total = 0;
  let main = 0;
  let busiestOther = 0;
  for (const [tid, time] of after) {
    const used = cpuMicros(time) - cpuMicros(before.get(tid));
    total += used;
    if (tid === pid) main = used;
    else busiestOther = Math.max(busiestOther, used);
  }
  return { total: total / requests, main: main / requests, busiestOther: busiestOther / requests };
}

const runs = {
  off: { rps: [] as number[], c1: [] as number[], cpu: [] as CpuPerRequest[], answered: 0 },
  on: { rps: [] as number[], c1: [] as number[], cpu: [] as CpuPerRequest[], answered: 0 },
};
try {
  for (let round = 0; round < rounds; round += 1) {
    const order: Array<['off' | 'on', ChildServer, string]> =
      round % 2 === 0
        ? [
            ['off', off, MASTER],
            ['on', on, key],
          ]
        : [
            ['on', on, key],
            ['off', off, MASTER],
          ];
    for (const [name, server, apiKey] of order) {
      const pool64 = createLoadPool(server.url, 64);
      const warm = await runLoad(pool64, request(apiKey), { concurrency: 64, durationMs: 500 });
      runs[name].answered += warm.latencies.length;
      const cpuBefore = threadCpuTimes(server.pid);
      const load = await runLoad(pool64, request(apiKey), { concurrency: 64, durationMs });
      const cpuAfter = threadCpuTimes(server.pid);
      await pool64.close();
      if (load.errors > 0)
        throw new Error(`${name}: ${load.errors} errors (${load.firstError ?? ''})`);
      runs[name].answered += load.latencies.length;
      runs[name].rps.push((load.latencies.length / load.elapsedMs) * 1000);
      runs[name].cpu.push(cpuPerRequest(server.pid, cpuBefore, cpuAfter, load.latencies.length));
      const pool1 = createLoadPool(server.url, 1);
      const single = await runLoad(pool1, request(apiKey), {
        concurrency: 1,
        durationMs: durationMs / 2,
      });
      await pool1.close();
      runs[name].answered += single.latencies.length;
      runs[name].c1.push(...single.latencies);
    }
  }
} finally {
  await Promise.all([off.stop(), on.stop(), upstream.stop()]);
}

// "On" must really have written a row per answered request (flushed on graceful shutdown).
const check = Tollgate.create({
  config: files.on.config,
  env: {},
  database: files.on.db,
  masterKey: MASTER,
  logger: silentLogger,
});
const rows = Number(
  (
    prepareRawQuery(check.database.db, 'SELECT count(*) AS n FROM spend_logs').get([]) as {
      n: number;
    }
  ).n,
);
await check.close();
console.log(`accounting on: ${runs.on.answered} requests answered, ${rows} spend rows written`);
if (rows !== runs.on.answered) {
  console.error('the accounting-on gateway did not write exactly one spend row per request');
  process.exit(2);
}

const rpsOff = median(runs.off.rps);
const rpsOn = median(runs.on.rps);
const ratio = rpsOn / rpsOff;
const c1Off = percentiles(sortedSamples(runs.off.c1));
const c1On = percentiles(sortedSamples(runs.on.c1));
const met = ratio >= 0.9;
const cpuSummary = (cpu: readonly CpuPerRequest[]): string =>
  `${median(cpu.map((c) => c.total)).toFixed(0)} µs (main thread ${median(cpu.map((c) => c.main)).toFixed(0)}, busiest other thread ${median(cpu.map((c) => c.busiestOther)).toFixed(0)})`;
console.log(
  `c64 JSON req/s: accounting off ${rpsOff.toFixed(0)}, on ${rpsOn.toFixed(0)} (${(ratio * 100).toFixed(1)}% of off; target ≥ 90%): ${met ? 'MET' : 'MISSED'}`,
);
console.log(
  `c1 JSON latency: off p50 ${c1Off.p50.toFixed(3)} ms / p99 ${c1Off.p99.toFixed(3)} ms; on p50 ${c1On.p50.toFixed(3)} ms / p99 ${c1On.p99.toFixed(3)} ms`,
);
console.log(
  `c64 gateway CPU per request (user + sys, all threads; medians of ${rounds} rounds): off ${cpuSummary(runs.off.cpu)}; on ${cpuSummary(runs.on.cpu)}`,
);
console.log(
  `per-round req/s on/off: ${runs.on.rps.map((rps, index) => `${((rps / runs.off.rps[index]!) * 100).toFixed(1)}%`).join(', ')}`,
);
process.exitCode = met ? 0 : 1;
