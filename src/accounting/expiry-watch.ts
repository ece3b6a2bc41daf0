import type { KeyDirectory } from '../keys/key-directory.js';
import type { AlertBus } from './alert-bus.js';

/**
 * Emits `key_expiring` once per key when its expiry comes within `windowMs`. Checks every
 * `intervalMs` (the directory is in memory: a check costs no query).
 */
export function watchKeyExpiry(
  deps: { directory: KeyDirectory; alerts: AlertBus; now?: () => number },
  timing: { windowMs: number; intervalMs: number },
): { check(): void; stop(): void } {
  const now = deps.now ?? Date.now;
  const alerted = new Map<string, number>();
  const check = (): void => {
    const at = now();
    for (const key of deps.directory.keys()) {
      const expiresAt = key.expiresAt;
      if (expiresAt === null || expiresAt <= at || expiresAt - at > timing.windowMs) continue;
      if (alerted.get(key.id) === expiresAt) continue;
      alerted.set(key.id, expiresAt);
      deps.alerts.emit({
        type: 'key_expiring',
        subject: { kind: 'key', id: key.id },
        spendUsd: 0,
        thresholdUsd: undefined,
        periodStart: undefined,
        expiresAt,
        at,
      });
    }
  };
  const timer = setInterval(check, timing.intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
