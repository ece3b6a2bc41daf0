/**
 * Measures one scenario (concurrency × JSON or stream) on every target, interleaved: after a
 * warm-up, each round loads direct, proxy and Tollgate back to back (rotating who goes first),
 * so that "added" latency compares numbers taken moments apart on an equally busy machine.
 */
import type { Dispatcher } from 'undici';
import { median, percentiles, sortedSamples, type Percentiles } from './latency-stats.js';
import { runLoad, type LoadRequest, type LoadResult } from './load-generator.js';
import { cpuTime, peakRssBytes, resetPeakRss, type CpuTime } from './process-metrics.js';

export const TARGET_NAMES = ['direct', 'proxy', 'tollgate'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly concurrency: number;
  readonly stream: boolean;
}

/** A target under load: where to send requests, and which process serves them. */
export interface Target {
  readonly name: TargetName;
  /** A pool with `concurrency` keep-alive connections to the target. */
  readonly dispatcher: Dispatcher;
  /** The process whose CPU and memory are reported (for direct: the fake upstream). */
  readonly pid: number;
}

/** A number and its spread over the rounds. */
export interface RoundStatistic {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One target in one scenario, over all rounds. */
export interface TargetResult {
  readonly target: TargetName;
  readonly requests: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly requestsPerSecond: number;
  /** Over every sample of every round. */
  readonly latency: Percentiles;
  readonly ttfb: Percentiles | undefined;
  /** Target minus direct, per round, then over rounds; undefined for direct itself. */
  readonly added:
    | {
        readonly p50: RoundStatistic;
        readonly p99: RoundStatistic;
        readonly ttfbP50: RoundStatistic | undefined;
        readonly ttfbP99: RoundStatistic | undefined;
      }
    | undefined;
  /** User plus system CPU per request; the split is reported beside it. */
  readonly cpuMicrosecondsPerRequest: number;
  readonly cpuPerRequest: CpuTime;
  readonly peakRssBytes: number;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly rounds: number;
  readonly targets: Readonly<Record<TargetName, TargetResult>>;
}

interface Window {
  readonly load: LoadResult;
  readonly latency: Percentiles;
  readonly ttfb: Percentiles;
  readonly cpu: CpuTime;
}

function roundStatistic(values: readonly number[]): RoundStatistic {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** CPU is read a moment after the last answer, so work done just after responding counts. */
const SETTLE_MS = 20;

async function measureWindow(
  target: Target,
  request: LoadRequest,
  options: { concurrency: number; durationMs: number },
): Promise<Window> {
  const cpuBefore = cpuTime(target.pid);
  const load = await runLoad(target.dispatcher, request, options);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const cpuAfter = cpuTime(target.pid);
  return {
    load,
    latency: percentiles(sortedSamples(load.latencies)),
    ttfb: percentiles(sortedSamples(load.ttfbs)),
    cpu: { user: cpuAfter.user - cpuBefore.user, system: cpuAfter.system - cpuBefore.system },
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function summarise(
  scenario: Scenario,
  windows: ReadonlyMap<TargetName, Window[]>,
  peaks: ReadonlyMap<TargetName, number>,
): Record<TargetName, TargetResult> {
  const direct = windows.get('direct')!;
  const result = {} as Record<TargetName, TargetResult>;
  for (const name of TARGET_NAMES) {
    const own = windows.get(name)!;
    const loads = own.map((window) => window.load);
    const requests = loads.reduce((sum, load) => sum + load.latencies.length + load.errors, 0);
    const elapsedMs = loads.reduce((sum, load) => sum + load.elapsedMs, 0);
    const user = own.reduce((sum, window) => sum + window.cpu.user, 0);
    const system = own.reduce((sum, window) => sum + window.cpu.system, 0);
    const added = (pick: (window: Window) => number): RoundStatistic =>
      roundStatistic(own.map((window, round) => pick(window) - pick(direct[round]!)));
    result[name] = {
      target: name,
      requests,
      errors: loads.reduce((sum, load) => sum + load.errors, 0),
      firstError: loads.find((load) => load.firstError !== undefined)?.firstError,
      requestsPerSecond: requests / (elapsedMs / 1000),
      latency: percentiles(sortedSamples(loads.flatMap((load) => load.latencies))),
      ttfb: scenario.stream
        ? percentiles(sortedSamples(loads.flatMap((load) => load.ttfbs)))
        : undefined,
      added:
        name === 'direct'
          ? undefined
          : {
              p50: added((window) => window.latency.p50),
              p99: added((window) => window.latency.p99),
              ttfbP50: scenario.stream ? added((window) => window.ttfb.p50) : undefined,
              ttfbP99: scenario.stream ? added((window) => window.ttfb.p99) : undefined,
            },
      cpuMicrosecondsPerRequest: requests === 0 ? Number.NaN : (user + system) / requests,
      cpuPerRequest: {
        user: requests === 0 ? Number.NaN : user / requests,
        system: requests === 0 ? Number.NaN : system / requests,
      },
      peakRssBytes: peaks.get(name)!,
    };
  }
  return result;
}

export async function measureScenario(
  scenario: Scenario,
  targets: readonly Target[],
  options: {
    request: LoadRequest;
    rounds: number;
    durationMs: number;
    warmupMs: number;
    log: (line: string) => void;
  },
): Promise<ScenarioResult> {
  const load = { concurrency: scenario.concurrency, durationMs: options.durationMs };
  for (const target of targets) resetPeakRss(target.pid);
  for (const target of targets) {
    await runLoad(target.dispatcher, options.request, { ...load, durationMs: options.warmupMs });
  }
  const windows = new Map<TargetName, Window[]>(TARGET_NAMES.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const parts: string[] = [];
    for (const target of rotate(targets, round)) {
      const window = await measureWindow(target, options.request, load);
      windows.get(target.name)!.push(window);
      parts.push(`${target.name} p50 ${window.latency.p50.toFixed(3)} ms`);
    }
    options.log(`  ${scenario.id} round ${round + 1}/${options.rounds}: ${parts.join(', ')}`);
  }
  const peaks = new Map(targets.map((target) => [target.name, peakRssBytes(target.pid)]));
  return { scenario, rounds: options.rounds, targets: summarise(scenario, windows, peaks) };
}
