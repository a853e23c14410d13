import { readFileSync } from 'node:fs';

/** A number from a process's /proc/<pid>/status: `VmHWM` (in kB), `voluntary_ctxt_switches`... */
export function procStatusNumber(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
}

/**
 * A field of a process's /proc/<pid>/stat, numbered as in proc(5) from 1 (`10`: minor faults, `14`/`15`: user and
 * system time in ticks). The command name (field 2) may hold spaces and parentheses: fields are counted after its last `) `.
 */
export function procStatField(pid: number, field: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const afterName = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return Number(afterName[field - 3]);
}
