import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
);

/** CPU seconds (user + system) a process has used so far; null once gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine, all cores summed. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const ticks = line.split(/\s+/).slice(1).map(Number);
  const idle = ticks[3]! + ticks[4]!;
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return {
    busy: (total - idle) / TICKS_PER_SECOND,
    total: total / TICKS_PER_SECOND,
  };
}

/**
 * CPU used during a phase by named processes, and by the machine as a
 * whole (which shows what other users of this shared machine took).
 */
export class CpuMeter {
  private readonly start = new Map<number, number>();
  private readonly machineStart = machineCpuSeconds();

  constructor(pids: Iterable<number>) {
    for (const pid of pids) this.start.set(pid, processCpuSeconds(pid) ?? 0);
  }

  /** Seconds used by `pid` since the meter started (all of it if new). */
  used(pid: number): number {
    const now = processCpuSeconds(pid);
    if (now === null) return 0;
    return now - (this.start.get(pid) ?? 0);
  }

  machine(): { busy: number; total: number } {
    const now = machineCpuSeconds();
    return {
      busy: now.busy - this.machineStart.busy,
      total: now.total - this.machineStart.total,
    };
  }
}
