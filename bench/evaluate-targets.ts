/**
 * The targets of issue 2 (2-core machine, load generator on the same machine):
 * at concurrency 1, Tollgate adds ≤ 0.35 ms p50 and ≤ 2 ms p99 to a JSON answer and ≤ 0.5 ms
 * to a stream's first byte; Tollgate spends ≤ 2× the CPU per request of the pass-through proxy.
 * "Added" is the median over rounds of (Tollgate − direct) measured in the same round.
 */
import type { RoundStatistic, ScenarioResult, TargetResult } from './measure-scenario.js';

export interface Verdict {
  readonly target: string;
  readonly met: boolean;
  readonly detail: string;
}

export const LIMITS = {
  addedP50Ms: 0.35,
  addedP99Ms: 2,
  addedTtfbMs: 0.5,
  cpuRatioToProxy: 2,
} as const;

function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}

function spread(statistic: RoundStatistic): string {
  return `rounds ${statistic.min.toFixed(3)}…${statistic.max.toFixed(3)}`;
}

function errorsOf(results: readonly TargetResult[]): string | undefined {
  const failing = results.filter((result) => result.errors > 0);
  if (failing.length === 0) return undefined;
  return failing
    .map((result) => `${result.target}: ${result.errors} errors (${result.firstError ?? ''})`)
    .join('; ');
}

function latencyVerdict(
  target: string,
  measured: { tollgate: RoundStatistic; proxy: RoundStatistic; limit: number },
  errors: string | undefined,
): Verdict {
  const detail = `Tollgate adds ${ms(measured.tollgate.median)} (${spread(measured.tollgate)}); limit ${ms(measured.limit)}; proxy adds ${ms(measured.proxy.median)}`;
  if (errors !== undefined) return { target, met: false, detail: `${detail}; ${errors}` };
  return { target, met: measured.tollgate.median <= measured.limit, detail };
}

export function evaluateTargets(results: readonly ScenarioResult[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const { scenario, targets } of results) {
    const { direct, proxy, tollgate } = targets;
    const errors = errorsOf([direct, proxy, tollgate]);
    if (scenario.concurrency === 1 && !scenario.stream) {
      verdicts.push(
        latencyVerdict(
          `c1 JSON: added p50 ≤ ${LIMITS.addedP50Ms} ms`,
          { tollgate: tollgate.added!.p50, proxy: proxy.added!.p50, limit: LIMITS.addedP50Ms },
          errors,
        ),
        latencyVerdict(
          `c1 JSON: added p99 ≤ ${LIMITS.addedP99Ms} ms`,
          { tollgate: tollgate.added!.p99, proxy: proxy.added!.p99, limit: LIMITS.addedP99Ms },
          errors,
        ),
      );
    }
    if (scenario.concurrency === 1 && scenario.stream) {
      verdicts.push(
        latencyVerdict(
          `c1 stream: added TTFB p50 ≤ ${LIMITS.addedTtfbMs} ms`,
          {
            tollgate: tollgate.added!.ttfbP50!,
            proxy: proxy.added!.ttfbP50!,
            limit: LIMITS.addedTtfbMs,
          },
          errors,
        ),
      );
    }
    const ratio = tollgate.cpuMicrosecondsPerRequest / proxy.cpuMicrosecondsPerRequest;
    const detail = `Tollgate ${tollgate.cpuMicrosecondsPerRequest.toFixed(0)} µs/req, proxy ${proxy.cpuMicrosecondsPerRequest.toFixed(0)} µs/req: ${ratio.toFixed(2)}×`;
    verdicts.push({
      target: `${scenario.id}: CPU/request ≤ ${LIMITS.cpuRatioToProxy}× proxy`,
      met: errors === undefined && ratio <= LIMITS.cpuRatioToProxy,
      detail: errors === undefined ? detail : `${detail}; ${errors}`,
    });
  }
  return verdicts;
}
