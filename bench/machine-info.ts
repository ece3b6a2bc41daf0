/** The machine a benchmark ran on, for BENCHMARKS.md. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  /** Cores this process may use (cgroup/affinity aware). */
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
}

function cpuModelFromProc(): string | undefined {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModelFromProc() ?? cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `Linux ${release()}`,
    node: process.version,
  };
}

export function formatMachine(machine: MachineInfo): string {
  return `${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, ${machine.kernel}, Node ${machine.node}`;
}

/**
 * CPU time all processes on the machine have used since boot, plus time the hypervisor took
 * away (steal), in µs. Interrupt and softirq time are left out: on loopback they are mostly the
 * benchmark's own traffic, and no process is charged for them.
 */
export function machineBusyMicroseconds(ticksPerSecond: number): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (proc(5))
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return ((user + nice + system + steal) * 1_000_000) / ticksPerSecond;
}
