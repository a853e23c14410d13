import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareTempDir, RequestTempFiles, TEMP_SUBDIR } from './temp-files';

describe('temp files', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'ufop-temp-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sweeps at boot the files of processes that are gone, and keeps those of live ones', () => {
    const dir = join(root, TEMP_SUBDIR);
    mkdirSync(dir);
    for (const name of ['111-dead.in', '222-alive.in', `${process.pid}-mine.in`, 'stray'])
      writeFileSync(join(dir, name), 'x');
    const { swept } = prepareTempDir(root, (pid) => pid === 222);
    expect(swept).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([`${process.pid}-mine.in`, '222-alive.in'].sort());
  });

  it("deletes a request's files when it ends, created or not", async () => {
    const { dir } = prepareTempDir(root);
    const files = new RequestTempFiles(dir);
    writeFileSync(files.newPath('.in'), 'x');
    files.newPath('.out'); // asked for, never written
    expect(readdirSync(dir)).toHaveLength(1);
    await files.cleanup();
    expect(readdirSync(dir)).toEqual([]);
  });
});
