import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { releaseInputBytes, UfopInput } from './ufop-input';

describe('UfopInput, once queue mode has handed its bytes to Redis', () => {
  it('lets go of bytes held in memory: every way of reading them then says why it cannot', async () => {
    const input = new UfopInput({ body: Buffer.from('hello'), cmd: 'x/echo', command: 'echo' });
    input[releaseInputBytes]();
    expect(input.size).toBe(5); // what was known of it stays
    expect(() => input.body).toThrow(/handed to the job queue/);
    expect(() => input.text()).toThrow(/handed to the job queue/);
    expect(() => input.stream()).toThrow(/handed to the job queue/);
    await expect(input.bytes()).rejects.toThrow(/handed to the job queue/);
    await expect(input.path()).rejects.toThrow(/handed to the job queue/);
  });

  it('keeps an input on disk as it was: its temp file is read piece by piece anyway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ufop-input-'));
    try {
      const path = join(dir, 'in');
      writeFileSync(path, 'on disk');
      const input = new UfopInput({ file: { path, size: 7 }, cmd: 'x/echo', command: 'echo' });
      input[releaseInputBytes]();
      expect(await input.path()).toBe(path);
      expect((await buffer(input.stream())).toString()).toBe('on disk');
      expect(input.text()).toBe('on disk');
      expect((await readFile(path)).toString()).toBe('on disk');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
