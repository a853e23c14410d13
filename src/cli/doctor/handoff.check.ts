import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveHandoffDir, resolveMode } from '../../config/ufop-options.factory';
import { HANDOFF_DIR_FIX, HANDOFF_MAX_BYTES, handoffDirTrouble } from '../../queue/host-handoff';
import { INLINE_BYTES } from '../../queue/ufop-job';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';

/**
 * Below this much free room, the folder warns: room for the input and the output of 16 jobs at the largest size
 * handed over. A container's /dev/shm is 64 MiB unless its runtime is told otherwise (`docker run --shm-size`).
 */
export const HANDOFF_LOW_FREE_BYTES = 16 * 2 * HANDOFF_MAX_BYTES;

const MiB = 1024 * 1024;

/**
 * Queue mode's handoff folder (`UFOP_HANDOFF_DIR`): usable by this user (its own, closed to others: else the processes
 * send every byte through Redis, with a warning at start), and the free room of its filesystem (a write that does not
 * fit goes through Redis too). A warning, never a failure: the service works either way, only dearer.
 */
export const handoffCheck: DoctorCheck = {
  name: 'handoff',
  deploy: false,
  async run({ env }: DoctorContext): Promise<CheckResult> {
    let queue: boolean;
    try {
      queue = resolveMode(env) === 'queue';
    } catch {
      queue = false; // a malformed UFOP_MODE stops the processes at start, with its own message
    }
    if (!queue) return { status: 'skip', summary: 'inline mode: no handoff folder' };
    const dir = resolveHandoffDir(env);
    if (!dir) {
      return {
        status: 'ok',
        summary:
          env.UFOP_HANDOFF_DIR?.trim().toLowerCase() === 'off'
            ? 'UFOP_HANDOFF_DIR=off: every input and output goes through Redis'
            : 'no /dev/shm here: every input and output goes through Redis (UFOP_HANDOFF_DIR names a folder to use instead)',
      };
    }
    const made = existsSync(dir);
    const trouble = made ? handoffDirTrouble(dir) : undefined;
    if (trouble) {
      return {
        status: 'warn',
        summary: `the handoff folder cannot be used (${trouble}): every input and output will go through Redis`,
        fix: HANDOFF_DIR_FIX,
      };
    }
    const free = freeBytes(dir);
    const where = `${dir}${made ? '' : ' (made at the first start)'}`;
    if (free === undefined) {
      return {
        status: 'warn',
        summary: `${where}: the free room of its filesystem cannot be read`,
        fix: HANDOFF_DIR_FIX,
      };
    }
    return roomResult(where, free);
  },
};

/** What the check says of a usable folder (`where`) whose filesystem has `free` bytes free for this user. */
export function roomResult(where: string, free: number): CheckResult {
  const room = `${Math.floor(free / MiB)} MiB free`;
  if (free < HANDOFF_LOW_FREE_BYTES) {
    return {
      status: 'warn',
      summary: `${where}: ${room}, less than ${HANDOFF_LOW_FREE_BYTES / MiB} MiB: inputs and outputs that do not fit go through Redis`,
      fix: 'give the folder more room (a container: `docker run --shm-size=256m`), or set UFOP_HANDOFF_DIR to a folder in memory that has it',
    };
  }
  return {
    status: 'ok',
    summary: `${where}: ${room}; inputs and outputs of ${INLINE_BYTES / 1024} KiB to ${HANDOFF_MAX_BYTES / MiB} MiB between the processes of this machine go through it`,
  };
}

/** The free room (for this user) of the filesystem that holds `dir`, or of its nearest folder that exists. */
function freeBytes(dir: string): number | undefined {
  for (let path = dir; ; path = dirname(path)) {
    try {
      const stats = statfsSync(path);
      return stats.bavail * stats.bsize;
    } catch {
      if (dirname(path) === path) return undefined;
    }
  }
}
