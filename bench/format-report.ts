/** Markdown tables of a benchmark run, padded so they read as well in a terminal. */
import type { Verdict } from './evaluate-targets.js';
import type { RoundStatistic, ScenarioResult, TargetResult } from './measure-scenario.js';

const TARGET_LABELS = {
  direct: 'direct (fake upstream)',
  proxy: 'pass-through proxy',
  tollgate: 'Tollgate',
} as const;

/** A markdown table; the first `leftColumns` columns are text (left-aligned), the rest numbers. */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftColumns = 1,
): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const left = (column: number): boolean => column < leftColumns;
  const line = (cells: readonly string[]): string =>
    `| ${cells
      .map((cell, column) =>
        left(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join(' | ')} |`;
  const rule = `|${widths
    .map((width, column) =>
      left(column) ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`,
    )
    .join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function ms(value: number): string {
  return Number.isNaN(value) ? '—' : value.toFixed(3);
}

function added(statistic: RoundStatistic | undefined): string {
  if (statistic === undefined) return '—';
  return `${ms(statistic.median)} (${ms(statistic.min)}…${ms(statistic.max)})`;
}

function row(result: TargetResult, stream: boolean): string[] {
  const cells = [
    TARGET_LABELS[result.target],
    Math.round(result.requestsPerSecond).toString(),
    ms(result.latency.p50),
    ms(result.latency.p99),
    added(result.added?.p50),
    added(result.added?.p99),
  ];
  if (stream) {
    cells.push(
      ms(result.ttfb?.p50 ?? Number.NaN),
      ms(result.ttfb?.p99 ?? Number.NaN),
      added(result.added?.ttfbP50),
      added(result.added?.ttfbP99),
    );
  }
  cells.push(
    `${result.cpuMicrosecondsPerRequest.toFixed(0)} (${result.cpuPerRequest.user.toFixed(0)} + ${result.cpuPerRequest.system.toFixed(0)})`,
    (result.peakRssBytes / 1024 ** 2).toFixed(1),
    result.errors.toString(),
  );
  return cells;
}

export function formatScenario(result: ScenarioResult): string {
  const { scenario, targets } = result;
  const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms'];
  if (scenario.stream) {
    header.push('TTFB p50 ms', 'TTFB p99 ms', 'added TTFB p50 ms', 'added TTFB p99 ms');
  }
  header.push('CPU µs/req (user + sys)', 'peak RSS MiB', 'errors');
  const rows = [targets.direct, targets.proxy, targets.tollgate].map((target) =>
    row(target, scenario.stream),
  );
  return `### ${scenario.title}\n\n${table(header, rows)}`;
}

export function formatVerdicts(verdicts: readonly Verdict[]): string {
  return table(
    ['target', 'verdict', 'measured'],
    verdicts.map((verdict) => [verdict.target, verdict.met ? 'MET' : 'MISSED', verdict.detail]),
    3,
  );
}

export const LEGEND = `"added" = target minus direct, measured in the same round; the cell shows the median over
rounds and, in brackets, the smallest and largest round. Percentiles (nearest rank) pool every
sample of every round. TTFB = time to the first body byte of a stream. CPU µs/req = user +
system CPU of the process serving that target (for direct: the fake upstream), all threads,
over the measured windows, divided by the requests answered (/proc clock ticks: 10 ms
resolution per window). Peak RSS = VmHWM of that process during the scenario.`;
