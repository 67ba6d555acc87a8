import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A field of `/proc/<pid>/status` in bytes (`VmHWM`: the peak resident set
 * since start or since the last reset; `VmRSS`: now). Null once the process
 * is gone.
 */
export function procStatusBytes(
  pid: number,
  field: 'VmHWM' | 'VmRSS',
): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Resets a process's peak resident set to its current size (Linux: `5`
 * written to `/proc/<pid>/clear_refs`), so that the next phase's peak is
 * its own. False when the kernel or permissions do not allow it.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
