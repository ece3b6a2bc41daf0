import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench -- [options]

  --duration S      seconds per measured window (one target, one round; default 2)
  --rounds N        rounds per scenario; each round measures direct, proxy and Tollgate
                    back to back, in rotating order (default 4)
  --warmup S        seconds of unmeasured load per target before each scenario (default 1)
  --quick           a smoke run: --duration 0.5 --rounds 2 --warmup 0.3 (numbers are noisy)
  --only LIST       comma-separated scenarios: c1-json, c1-stream, c64-json, c64-stream
  --write           replace the results section of BENCHMARKS.md
  --no-build        use dist/ as it is instead of rebuilding it when src/ is newer
  --profile DIR     run Tollgate with --cpu-prof, writing a .cpuprofile to DIR on exit
                    (the profiler costs CPU: do not quote numbers from such a run)
  --help            this text

Exit code: 0 when every target is met, 1 when one is missed, 2 when the benchmark could not run.`;

export const SCENARIO_IDS = ['c1-json', 'c1-stream', 'c64-json', 'c64-stream'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface BenchOptions {
  readonly durationMs: number;
  readonly rounds: number;
  readonly warmupMs: number;
  readonly scenarios: readonly ScenarioId[];
  readonly write: boolean;
  readonly build: boolean;
  readonly profileDirectory: string | undefined;
  readonly help: boolean;
}

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(value);
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      write: { type: 'boolean' },
      'no-build': { type: 'boolean' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const quick = values.quick === true;
  const rounds = positiveNumber('rounds', values.rounds, quick ? 2 : 4);
  if (!Number.isInteger(rounds)) throw new Error('--rounds needs a whole number');
  const scenarios = (values.only ?? SCENARIO_IDS.join(','))
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const unknown = scenarios.filter((id) => !isScenarioId(id));
  if (unknown.length > 0) {
    throw new Error(`Unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_IDS.join(', ')}`);
  }
  return {
    durationMs: positiveNumber('duration', values.duration, quick ? 0.5 : 2) * 1000,
    rounds,
    warmupMs: positiveNumber('warmup', values.warmup, quick ? 0.3 : 1) * 1000,
    scenarios: scenarios.filter(isScenarioId),
    write: values.write === true,
    build: values['no-build'] !== true,
    profileDirectory: values.profile,
    help: values.help === true,
  };
}
