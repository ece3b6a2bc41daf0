/**
 * `npm run bench`: direct to a fake OpenAI upstream vs through a pass-through proxy vs through
 * Tollgate, interleaved in one run; prints each scenario's table and each target as MET or
 * MISSED, exits 1 when one is missed (2 when the benchmark could not run). See BENCHMARKS.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions, USAGE, type BenchOptions, type ScenarioId } from './bench-options.js';
import { writeResultsSection } from './benchmarks-file.js';
import { buildGateway, transpileBenchServers } from './build-servers.js';
import { checkAnswer } from './check-answer.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { evaluateTargets, type Verdict } from './evaluate-targets.js';
import { formatScenario, formatVerdicts, LEGEND } from './format-report.js';
import { createLoadPool, type LoadRequest } from './load-generator.js';
import { formatMachine, machineBusyMicroseconds, machineInfo } from './machine-info.js';
import {
  measureScenario,
  type Scenario,
  type ScenarioResult,
  type Target,
  type TargetName,
} from './measure-scenario.js';
import { clockTicks, cpuTime, rssBytes } from './process-metrics.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL = 'bench';

const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  'c1-json': { id: 'c1-json', title: 'Concurrency 1, JSON', concurrency: 1, stream: false },
  'c1-stream': { id: 'c1-stream', title: 'Concurrency 1, streaming', concurrency: 1, stream: true },
  'c64-json': { id: 'c64-json', title: 'Concurrency 64, JSON', concurrency: 64, stream: false },
  'c64-stream': {
    id: 'c64-stream',
    title: 'Concurrency 64, streaming',
    concurrency: 64,
    stream: true,
  },
};

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function chatRequest(stream: boolean, masterKey: string): LoadRequest {
  const body = {
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are a concise assistant.' },
      { role: 'user', content: 'In one sentence, what does an LLM gateway do?' },
    ],
    max_tokens: 64,
    temperature: 0,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  return {
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
    body: JSON.stringify(body),
    stream,
  };
}

function gatewayConfig(upstreamUrl: string): string {
  return [
    'model_list:',
    `  - model_name: ${MODEL}`,
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${upstreamUrl}/v1`,
    '      api_key: sk-bench',
    '',
  ].join('\n');
}

interface Servers {
  upstream: ChildServer;
  proxy: ChildServer;
  tollgate: ChildServer;
}

async function startServers(
  options: BenchOptions,
  scratch: string,
  masterKey: string,
): Promise<Servers> {
  const cli = options.build ? buildGateway(ROOT, log) : join(ROOT, 'dist', 'cli.js');
  const benchJs = transpileBenchServers(ROOT);
  const started: ChildServer[] = [];
  try {
    const upstream = await startChildServer('fake upstream', {
      file: process.execPath,
      args: [join(benchJs, 'fake-upstream.js'), '--port', '0'],
    });
    started.push(upstream);
    const proxy = await startChildServer('pass-through proxy', {
      file: process.execPath,
      args: [join(benchJs, 'passthrough-proxy.js'), '--upstream', upstream.url, '--port', '0'],
    });
    started.push(proxy);
    const configPath = join(scratch, 'tollgate.yaml');
    writeFileSync(configPath, gatewayConfig(upstream.url));
    const profile =
      options.profileDirectory === undefined
        ? []
        : ['--cpu-prof', '--cpu-prof-dir', resolve(options.profileDirectory)];
    const tollgate = await startChildServer('Tollgate', {
      file: process.execPath,
      args: [
        ...profile,
        cli,
        '--config',
        configPath,
        '--port',
        '0',
        '--db',
        join(scratch, 'tollgate.db'),
      ],
      env: { ...process.env, TOLLGATE_MASTER_KEY: masterKey },
    });
    started.push(tollgate);
    return { upstream, proxy, tollgate };
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}

async function runScenario(
  scenario: Scenario,
  servers: Servers,
  options: BenchOptions & { masterKey: string },
): Promise<ScenarioResult> {
  const endpoints: ReadonlyArray<[TargetName, ChildServer]> = [
    ['direct', servers.upstream],
    ['proxy', servers.proxy],
    ['tollgate', servers.tollgate],
  ];
  const targets: Target[] = endpoints.map(([name, server]) => ({
    name,
    dispatcher: createLoadPool(server.url, scenario.concurrency),
    pid: server.pid,
  }));
  const request = chatRequest(scenario.stream, options.masterKey);
  try {
    for (const target of targets) await checkAnswer(target.name, target.dispatcher, request);
    log(`${scenario.title}: warm-up, then ${options.rounds} interleaved rounds ...`);
    return await measureScenario(scenario, targets, {
      request,
      rounds: options.rounds,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      log,
    });
  } finally {
    await Promise.all(targets.map((target) => target.dispatcher.close()));
  }
}

function commandLine(argv: readonly string[]): string {
  return argv.length === 0 ? 'npm run bench' : `npm run bench -- ${argv.join(' ')}`;
}

function formatResults(
  results: readonly ScenarioResult[],
  verdicts: readonly Verdict[],
  context: { options: BenchOptions; idleRss: string; otherWork: string },
): string {
  const { options } = context;
  const settings = `${options.rounds} rounds × ${options.durationMs / 1000} s per target, ${options.warmupMs / 1000} s warm-up per target and scenario`;
  return [
    '## Latest results',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${formatMachine(machineInfo())}`,
    `- Command: \`${commandLine(process.argv.slice(2))}\` (${settings})`,
    `- RSS after start-up: ${context.idleRss}`,
    `- Other work on the machine during the run: ${context.otherWork}`,
    '',
    LEGEND,
    '',
    ...results.flatMap((result) => [formatScenario(result), '']),
    '### Targets',
    '',
    formatVerdicts(verdicts),
    '',
  ].join('\n');
}

/** CPU used by this process and the three servers, in µs (all threads). */
function ownCpuMicroseconds(servers: Servers): number {
  const self = process.cpuUsage();
  return [servers.upstream, servers.proxy, servers.tollgate].reduce((sum, server) => {
    const { user, system } = cpuTime(server.pid);
    return sum + user + system;
  }, self.user + self.system);
}

/**
 * The CPU that processes other than the benchmark's used while it ran, as a share of the
 * machine: the targets assume an otherwise idle machine, and p99 and concurrency-64 numbers
 * suffer first when it is not.
 */
function describeOtherWork(cpu: { machine: number; own: number; elapsed: number }): string {
  const cores = machineInfo().cores;
  const share = Math.max(0, cpu.machine - cpu.own) / (cpu.elapsed * cores);
  const text = `${(share * 100).toFixed(0)}% of ${cores} cores`;
  return share > 0.1 ? `${text} (busy: numbers, p99 above all, are unreliable)` : text;
}

function mebibytes(pid: number): string {
  return `${(rssBytes(pid) / 1024 ** 2).toFixed(1)} MiB`;
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const masterKey = `sk-bench-${randomBytes(16).toString('hex')}`;
  let servers: Servers | undefined;
  const interrupt = (): void => {
    const running =
      servers === undefined ? [] : [servers.upstream, servers.proxy, servers.tollgate];
    void Promise.all(running.map((server) => server.stop(1_000))).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  try {
    servers = await startServers(options, scratch, masterKey);
    const ownBefore = ownCpuMicroseconds(servers);
    const machineBefore = machineBusyMicroseconds(clockTicks());
    const startedAt = performance.now();
    const idleRss = `direct ${mebibytes(servers.upstream.pid)}, proxy ${mebibytes(servers.proxy.pid)}, Tollgate ${mebibytes(servers.tollgate.pid)}`;
    log(`${formatMachine(machineInfo())}`);
    log(
      `upstream ${servers.upstream.url}, proxy ${servers.proxy.url}, Tollgate ${servers.tollgate.url}`,
    );
    const results: ScenarioResult[] = [];
    for (const id of options.scenarios) {
      const result = await runScenario(SCENARIOS[id], servers, { ...options, masterKey });
      results.push(result);
      process.stdout.write(`\n${formatScenario(result)}\n\n`);
    }
    const otherWork = describeOtherWork({
      machine: machineBusyMicroseconds(clockTicks()) - machineBefore,
      own: ownCpuMicroseconds(servers) - ownBefore,
      elapsed: (performance.now() - startedAt) * 1000,
    });
    log(`other work on the machine during the run: ${otherWork}`);
    const verdicts = evaluateTargets(results);
    process.stdout.write(`${formatVerdicts(verdicts)}\n`);
    if (options.write) {
      writeResultsSection(
        join(ROOT, 'BENCHMARKS.md'),
        formatResults(results, verdicts, { options, idleRss, otherWork }),
      );
      log('BENCHMARKS.md updated');
    }
    if (options.profileDirectory !== undefined) {
      log(`CPU profile of Tollgate: ${resolve(options.profileDirectory)} (written as it exits)`);
    }
    const missed = verdicts.filter((verdict) => !verdict.met).length;
    if (missed > 0) log(`${missed} target(s) missed`);
    return missed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', interrupt);
    if (servers !== undefined) {
      const { upstream, proxy, tollgate } = servers;
      await Promise.all([tollgate.stop(), proxy.stop(), upstream.stop()]);
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
