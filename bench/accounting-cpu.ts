/**
 * Accounting CPU per request, in process (issue 3): the c64 HTTP bench (`bench/accounting.ts`)
 * answers the question asked, but on a shared 2-core machine its req/s swing ±20% round to
 * round. This one leaves HTTP, the upstream and the load generator out and counts the CPU time
 * of every thread of the process (the request thread, the spend writer thread, V8's helpers)
 * over a fixed number of chat completions on a `mock/` deployment, 64 in flight:
 *
 *   off:    the master key, `disable_spend_logs: true`
 *   nologs: a virtual key with a team, a budget and rpm/tpm/parallel limits, no spend rows
 *   on:     the same key, spend rows written (a file database, so the writer thread runs)
 *
 * Each mode runs in a fresh process, in interleaved rounds; medians are printed.
 *
 *   npx tsx bench/accounting-cpu.ts [--rounds N] [--requests N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/core/logger.js';
import { parseChatRequest, Tollgate } from '../src/tollgate.js';
import { median } from './latency-stats.js';
import { threadCpuTimes, type CpuTime } from './process-metrics.js';

const MODES = ['off', 'nologs', 'on'] as const;
type Mode = (typeof MODES)[number];
const MASTER = 'sk-bench-master-0000000000000000';
const CONCURRENCY = 64;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '60000' },
    mode: { type: 'string' },
  },
});

interface Sample {
  readonly total: number;
  readonly main: number;
  readonly busiestOther: number;
}

function micros(time: CpuTime | undefined): number {
  return time === undefined ? 0 : time.user + time.system;
}

/** One mode in this process: warm up with half the requests, then measure `requests`. */
async function measure(mode: Mode, requests: number): Promise<Sample> {
  const scratch = mkdtempSync(join(tmpdir(), 'tollgate-accounting-cpu-'));
  const config = join(scratch, 'config.yaml');
  writeFileSync(
    config,
    [
      'model_list:',
      '  - model_name: bench',
      '    litellm_params:',
      '      model: mock/gpt-4o-mini',
      '      mock_response: An LLM gateway routes, meters and guards model traffic.',
      '      input_cost_per_token: 0.00000015',
      '      output_cost_per_token: 0.0000006',
      'general_settings:',
      `  disable_spend_logs: ${String(mode !== 'on')}`,
      '',
    ].join('\n'),
  );
  const tollgate = Tollgate.create({
    config,
    env: {},
    database: join(scratch, 'tollgate.db'),
    masterKey: MASTER,
    logger: silentLogger,
  });
  let key = MASTER;
  if (mode !== 'off') {
    const team = tollgate.keys.createTeam({ name: 'bench', maxBudget: 1_000_000, rpmLimit: 1e8 });
    key = tollgate.keys.createKey({
      teamId: team.id,
      maxBudget: 1_000_000,
      budgetDuration: '30d',
      rpmLimit: 1e8,
      tpmLimit: 1e9,
      maxParallelRequests: 10_000,
    }).key;
  }
  const body = JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'In one sentence, what does an LLM gateway do?' }],
    max_tokens: 64,
  });
  const one = async (): Promise<void> => {
    // A request arrives from I/O: each one starts in a macrotask of its own, as over HTTP.
    await new Promise((resolve) => setImmediate(resolve));
    const ctx = tollgate.createContext({
      kind: 'chat',
      credential: key,
      signal: new AbortController().signal,
    });
    await tollgate.pipeline.authenticate(ctx);
    const response = await tollgate.pipeline.chat(ctx, parseChatRequest(JSON.parse(body)));
    JSON.stringify(response);
  };
  const run = async (count: number): Promise<void> => {
    let started = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (started++ < count) await one();
      }),
    );
    await tollgate.flushSpend();
  };
  // The writer thread is unref'd: keep the loop alive while its replies are awaited.
  const keepAlive = setInterval(() => undefined, 1_000);
  try {
    await run(requests / 2);
    const before = threadCpuTimes(process.pid);
    await run(requests);
    const after = threadCpuTimes(process.pid);
    let total = 0;
    let main = 0;
    let busiestOther = 0;
    for (const [tid, time] of after) {
      const used = micros(time) - micros(before.get(tid));
      total += used;
      if (tid === process.pid) main = used;
      else busiestOther = Math.max(busiestOther, used);
    }
    return {
      total: total / requests,
      main: main / requests,
      busiestOther: busiestOther / requests,
    };
  } finally {
    clearInterval(keepAlive);
    await tollgate.close();
  }
}

const requests = Number(values.requests);
if (values.mode !== undefined) {
  const mode = MODES.find((candidate) => candidate === values.mode);
  if (mode === undefined) throw new Error(`--mode must be one of ${MODES.join(', ')}`);
  process.stdout.write(`${JSON.stringify(await measure(mode, requests))}\n`);
} else {
  const samples = new Map<Mode, Sample[]>(MODES.map((mode) => [mode, []]));
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, import.meta.filename, '--mode', mode, '--requests', String(requests)],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`${mode} failed:\n${child.stderr}`);
      samples.get(mode)?.push(JSON.parse(child.stdout) as Sample);
    }
  }
  const line = (mode: Mode): string => {
    const of = (pick: (sample: Sample) => number) =>
      median((samples.get(mode) ?? []).map(pick)).toFixed(1);
    return `${mode.padEnd(6)} ${of((s) => s.total)} µs/request (request thread ${of((s) => s.main)}, busiest other thread ${of((s) => s.busiestOther)})`;
  };
  console.log(
    `CPU per chat completion in process, c${CONCURRENCY}, ${requests} requests, medians of ${values.rounds} rounds:`,
  );
  for (const mode of MODES) console.log(`  ${line(mode)}`);
}
