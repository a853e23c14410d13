import { readFileSync } from 'node:fs';

/** A number from a process's /proc/<pid>/status: `VmHWM` (in kB), `voluntary_ctxt_switches`... */
export function procStatusNumber(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
}
