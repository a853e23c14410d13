import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingFile } from './rotating-file';

describe('RotatingFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ufop-rotate-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const line = (n: number) => `line ${String(n).padStart(5, '0')} ${'x'.repeat(90)}\n`;

  it('rotates past maxBytes and keeps exactly `files` files, the newest lines in the current one', () => {
    const path = join(dir, 'server', 'server.log');
    const file = new RotatingFile(path, 2048, 3);
    for (let n = 0; n < 500; n++) file.write(line(n));
    file.close();
    expect(readdirSync(join(dir, 'server')).sort()).toEqual(['server.log', 'server.log.1', 'server.log.2']);
    for (const name of ['server.log.1', 'server.log.2']) {
      // checked every maxBytes/16: a file overshoots by at most that and one line
      expect(statSync(join(dir, 'server', name)).size).toBeLessThan(2048 + 256 + 100);
    }
    expect(readFileSync(path, 'utf8')).toContain(line(499));
    const older = readFileSync(`${path}.1`, 'utf8').trim().split('\n');
    const current = readFileSync(path, 'utf8').trim().split('\n');
    expect(older[older.length - 1] < current[0]).toBe(true); // .1 holds the lines just before the current file's
  });

  it('shares a file between writers: a writer whose file was rotated by another one reopens the path', () => {
    const path = join(dir, 'shared.log');
    const a = new RotatingFile(path, 2048, 2);
    const b = new RotatingFile(path, 2048, 2);
    for (let n = 0; n < 300; n++) (n % 2 ? a : b).write(line(n));
    a.close();
    b.close();
    expect(readdirSync(dir).sort()).toEqual(['shared.log', 'shared.log.1']);
    expect(readFileSync(path, 'utf8')).toContain(line(299));
    expect(readFileSync(path, 'utf8')).toContain(line(298));
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('with files=1 starts the log over', () => {
    const path = join(dir, 'one.log');
    const file = new RotatingFile(path, 1024, 1);
    for (let n = 0; n < 100; n++) file.write(line(n));
    file.close();
    expect(readdirSync(dir)).toEqual(['one.log']);
    expect(statSync(path).size).toBeLessThan(1024 + 256 + 100);
  });
});
