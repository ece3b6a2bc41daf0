/**
 * CPU time and peak memory of another process, read from Linux /proc (proc(5)). CPU comes from
 * `utime + stime` of /proc/PID/stat, which covers every thread of the process (the main
 * thread, libuv's pool, V8's GC and compiler threads), in clock ticks.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

let clockTicksPerSecond: number | undefined;

/** `getconf CLK_TCK` (almost always 100), read once. */
export function clockTicks(): number {
  if (clockTicksPerSecond === undefined) {
    let value = Number.NaN;
    try {
      value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      // Fall through to the Linux default.
    }
    clockTicksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
  }
  return clockTicksPerSecond;
}

/** CPU time a process has used so far, in microseconds. */
export interface CpuTime {
  readonly user: number;
  readonly system: number;
}

export function cpuTime(pid: number): CpuTime {
  return cpuTimeFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), `/proc/${pid}/stat`);
}

/**
 * CPU time of each thread of a process so far (/proc/PID/task/TID/stat), by thread id. The main
 * thread's id is the pid; Node 20 names every thread `node`, so a worker thread is told apart by
 * its id (it is the busiest other thread under load). A thread that exited is no longer listed.
 */
export function threadCpuTimes(pid: number): Map<number, CpuTime> {
  const times = new Map<number, CpuTime>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const path = `/proc/${pid}/task/${tid}/stat`;
    try {
      times.set(Number(tid), cpuTimeFromStat(readFileSync(path, 'utf8'), path));
    } catch {
      // The thread exited between the listing and the read.
    }
  }
  return times;
}

function cpuTimeFromStat(stat: string, path: string): CpuTime {
  // Field 2 (comm) is parenthesised and may contain spaces; count fields after its `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After comm, fields start at 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`Cannot read CPU time from ${path}`);
  }
  const tick = 1_000_000 / clockTicks();
  return { user: utime * tick, system: stime * tick };
}

/** One `VmXXX:   123 kB` line of /proc/PID/status, in bytes. */
function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match?.[1] === undefined) throw new Error(`No ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Peak resident set size (VmHWM) since start or since the last {@link resetPeakRss}. */
export function peakRssBytes(pid: number): number {
  return statusBytes(pid, 'VmHWM');
}

export function rssBytes(pid: number): number {
  return statusBytes(pid, 'VmRSS');
}

/**
 * Resets VmHWM to the current RSS (writing 5 to /proc/PID/clear_refs, Linux ≥ 4.0), so that
 * each scenario reports its own peak. Returns false when the kernel does not allow it, in
 * which case the peak is the peak since the process started.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
