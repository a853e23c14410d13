import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DoctorContext } from './doctor.check';
import { HANDOFF_LOW_FREE_BYTES, handoffCheck, roomResult } from './handoff.check';

const context = (env: Record<string, string | undefined>): DoctorContext => ({ env, path: '' });
const queue = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('doctor: the handoff folder', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'ufop-doctor-handoff-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is skipped in inline mode and says where the bytes go when it is off', async () => {
    expect(await handoffCheck.run(context({}))).toMatchObject({ status: 'skip' });
    expect(await handoffCheck.run(context({ ...queue, UFOP_MODE: 'inline' }))).toMatchObject({ status: 'skip' });
    expect(await handoffCheck.run(context({ ...queue, UFOP_HANDOFF_DIR: 'OFF' }))).toEqual({
      status: 'ok',
      summary: 'UFOP_HANDOFF_DIR=off: every input and output goes through Redis',
    });
  });

  it('gives the folder and its free room, whether the processes made it yet or not', async () => {
    const dir = join(root, 'handoff');
    const before = await handoffCheck.run(context({ ...queue, UFOP_HANDOFF_DIR: dir }));
    expect(before.status).toBe('ok');
    expect(before.summary).toMatch(
      new RegExp(`^${dir} \\(made at the first start\\): \\d+ MiB free; inputs and outputs of 32 KiB to 2 MiB`),
    );
    mkdirSync(dir, { mode: 0o700 });
    const after = await handoffCheck.run(context({ ...queue, UFOP_HANDOFF_DIR: dir }));
    expect(after.summary).toMatch(new RegExp(`^${dir}: \\d+ MiB free;`));
  });

  it('warns, saying why, when the processes would not use it', async () => {
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(await handoffCheck.run(context({ ...queue, UFOP_HANDOFF_DIR: open }))).toMatchObject({
      status: 'warn',
      summary: `the handoff folder cannot be used (${open} may be written by other users): every input and output will go through Redis`,
      fix: expect.stringContaining('UFOP_HANDOFF_DIR'),
    });
    const file = join(root, 'file');
    writeFileSync(file, '');
    expect((await handoffCheck.run(context({ ...queue, UFOP_HANDOFF_DIR: file }))).summary).toContain(
      `(${file} is not a folder)`,
    );
  });

  it('warns when its filesystem has less room than 16 inputs and outputs of the largest size handed over', () => {
    expect(HANDOFF_LOW_FREE_BYTES).toBe(64 * 1024 * 1024);
    expect(roomResult('/dev/shm/x', HANDOFF_LOW_FREE_BYTES - 1)).toMatchObject({
      status: 'warn',
      summary: '/dev/shm/x: 63 MiB free, less than 64 MiB: inputs and outputs that do not fit go through Redis',
      fix: expect.stringContaining('--shm-size'),
    });
    expect(roomResult('/dev/shm/x', HANDOFF_LOW_FREE_BYTES).status).toBe('ok');
  });
});
