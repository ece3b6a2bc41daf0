/** Budget periods as LiteLLM writes them: `30s`, `15m`, `1h`, `1d`, `7d`, `30d`. */
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PATTERN = /^(\d+)([smhd])$/;

/** Milliseconds of a budget duration, or undefined when it is not one. */
export function parseBudgetDuration(duration: string): number | undefined {
  const match = PATTERN.exec(duration.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = UNIT_MS[match[2] ?? ''];
  if (unit === undefined || amount <= 0) return undefined;
  return amount * unit;
}

/**
 * The start of the period containing `now`, for budgets that reset every `durationMs` starting at
 * `anchorMs` (the first reset). Periods are [anchor + k·d, anchor + (k+1)·d).
 */
export function periodStartAt(
  schedule: { anchorMs: number; durationMs: number },
  now: number,
): number {
  const periods = Math.floor((now - schedule.anchorMs) / schedule.durationMs);
  return schedule.anchorMs + periods * schedule.durationMs;
}
