import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDOFF_IDLE_MS, HostHandoff, hostHandoffFor } from './host-handoff';

describe('HostHandoff', () => {
  let root: string;
  const opened: HostHandoff[] = [];
  const open = (dir: string, ttlMs = 10_000) => {
    const handoff = new HostHandoff(dir, ttlMs);
    opened.push(handoff);
    return handoff;
  };
  const files = (dir: string, sub: 'busy' | 'free') => readdirSync(join(dir, sub));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ufop-handoff-'));
  });
  afterEach(() => {
    opened.splice(0).forEach((handoff) => handoff.close());
    rmSync(root, { recursive: true, force: true });
  });

  it('gives processes of one folder the same token, and another folder another', () => {
    const dir = join(root, 'shared');
    const web = open(dir);
    const worker = open(dir);
    const elsewhere = open(join(root, 'other'));
    expect(web.scope).toMatch(/^[0-9a-f-]{36}$/);
    expect(worker.scope).toBe(web.scope);
    expect(elsewhere.scope).not.toBe(web.scope);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('hands bytes over exactly, then keeps the file for the next output, written over and cut to size', () => {
    const dir = join(root, 'h');
    const worker = open(dir);
    const web = open(dir);
    const first = randomBytes(300_000);
    const id = randomUUID();
    worker.write(id, 'out', first);
    expect(files(dir, 'busy')).toEqual([`${id}.out`]);
    expect(web.take(id, 'out', first.length).equals(first)).toBe(true);
    expect(files(dir, 'busy')).toEqual([]);
    const [kept] = files(dir, 'free');
    const inode = statSync(join(dir, 'free', kept)).ino;

    const second = randomBytes(100_000); // smaller: the reused file must not keep the first one's tail
    const next = randomUUID();
    worker.write(next, 'out', second);
    expect(files(dir, 'free')).toEqual([]);
    expect(statSync(join(dir, 'busy', `${next}.out`)).ino).toBe(inode);
    expect(statSync(join(dir, 'busy', `${next}.out`)).size).toBe(second.length);
    const pooled = Buffer.alloc(second.length);
    expect(web.take(next, 'out', second.length, () => pooled)).toBe(pooled);
    expect(pooled.equals(second)).toBe(true);
  });

  it('fails loudly on a missing or short file, and discards a file nobody will read', () => {
    const dir = join(root, 'h');
    const handoff = open(dir);
    expect(() => handoff.take(randomUUID(), 'out', 10)).toThrow(/ENOENT/);
    const id = randomUUID();
    handoff.write(id, 'out', randomBytes(10));
    expect(() => handoff.take(id, 'out', 20)).toThrow('the output file held 10 bytes of 20');
    const orphan = randomUUID();
    handoff.write(orphan, 'out', randomBytes(10));
    handoff.discard(orphan, 'out');
    handoff.discard(orphan, 'out'); // twice: nothing to do
    expect(files(dir, 'busy')).toEqual([`${id}.out`]);
  });

  it('leaves an input in place while it is read, and frees it once its handler has answered', () => {
    const dir = join(root, 'h');
    const web = open(dir);
    const worker = open(dir);
    const input = randomBytes(70_000);
    const id = randomUUID();
    web.write(id, 'in', input);
    // Read twice, as a worker that takes the job again after the first one died would.
    expect(worker.read(id, 'in', input.length).equals(input)).toBe(true);
    expect(worker.read(id, 'in').equals(input)).toBe(true);
    expect(files(dir, 'busy')).toEqual([`${id}.in`]);
    worker.release(id, 'in');
    worker.release(id, 'in'); // twice: nothing to do
    expect(files(dir, 'busy')).toEqual([]);
    expect(files(dir, 'free')).toEqual([`${id}.in`]);
    expect(() => worker.read(id, 'in')).toThrow(/ENOENT/);
  });

  it('says whether a write worked, and tells each kind of failure once', () => {
    const dir = join(root, 'h');
    const handoff = open(dir);
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    expect(handoff.tryWrite(randomUUID(), 'out', randomBytes(10), warn)).toBe(true);
    rmSync(join(dir, 'busy'), { recursive: true }); // as a full or broken folder would: the write fails
    expect(handoff.tryWrite(randomUUID(), 'in', randomBytes(10), warn)).toBe(false);
    expect(handoff.tryWrite(randomUUID(), 'in', randomBytes(10), warn)).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^inputs go through Redis when ${dir} cannot take them: ENOENT.*\\(said once\\)$`),
    );
  });

  it('names files after job ids only', () => {
    const handoff = open(join(root, 'h'));
    expect(() => handoff.write('../../etc/passwd', 'out', Buffer.from('x'))).toThrow('not a job id');
    expect(() => handoff.take('../scope', 'out', 1)).toThrow('not a job id');
  });

  it('keeps as many files as were in flight at once, though several processes take and give them', () => {
    const dir = join(root, 'h');
    const workers = [open(dir), open(dir), open(dir)];
    const web = open(dir);
    for (let round = 0; round < 20; round++) {
      // Four outputs in flight, written by the workers in turn, then all read.
      const ids = Array.from({ length: 4 }, () => randomUUID());
      ids.forEach((id, i) => workers[(round + i) % workers.length].write(id, 'out', randomBytes(1000 + round)));
      ids.forEach((id) => web.take(id, 'out', 1000 + round));
    }
    expect(files(dir, 'busy')).toEqual([]);
    expect(files(dir, 'free').length).toBe(4);
  });

  it('takes back the file it released itself first, not one another process may be taking', () => {
    const dir = join(root, 'h');
    const web = open(dir);
    const worker = open(dir);
    const stranger = open(dir);
    // Ten free files of another process's, which it will take back itself.
    const strangers = Array.from({ length: 10 }, () => randomUUID());
    strangers.forEach((id) => stranger.write(id, 'out', randomBytes(1000)));
    strangers.forEach((id) => stranger.take(id, 'out', 1000));
    const inode = (sub: 'busy' | 'free', name: string) => statSync(join(dir, sub, name)).ino;
    for (let round = 0; round < 5; round++) {
      const id = randomUUID();
      const input = randomBytes(50_000 + round);
      web.write(id, 'in', input);
      expect(worker.take(id, 'in', input.length)).toEqual(input);
      const releasedInput = inode('free', `${id}.in`);
      const output = randomBytes(60_000 + round);
      worker.write(id, 'out', output);
      expect(inode('busy', `${id}.out`)).toBe(releasedInput);
      expect(web.take(id, 'out', output.length)).toEqual(output);
      const releasedOutput = inode('free', `${id}.out`);
      const next = randomUUID();
      web.write(next, 'in', randomBytes(10));
      expect(inode('busy', `${next}.in`)).toBe(releasedOutput);
      worker.take(next, 'in', 10);
    }
    expect(files(dir, 'busy')).toEqual([]);
    // The web process and the worker took one of them at their first write, and only that one since.
    expect(files(dir, 'free').length).toBe(10);
  });

  it('sweeps files older than a request may last, and free files left idle', () => {
    const dir = join(root, 'h');
    const ttlMs = 5_000;
    const handoff = open(dir, ttlMs);
    const [read, unread] = [randomUUID(), randomUUID()];
    handoff.write(read, 'out', randomBytes(10));
    handoff.write(unread, 'out', randomBytes(10));
    handoff.take(read, 'out', 10);
    const now = Date.now();
    handoff.sweep(now);
    expect(files(dir, 'busy')).toEqual([`${unread}.out`]);
    expect(files(dir, 'free').length).toBe(1);
    handoff.sweep(now + ttlMs + 1_000);
    expect(files(dir, 'busy')).toEqual([]);
    expect(files(dir, 'free').length).toBe(1);
    handoff.sweep(now + HANDOFF_IDLE_MS + 1_000);
    expect(files(dir, 'free')).toEqual([]);
  });

  it('refuses a folder others may write, or a path that is not a folder, and says so once', () => {
    const loose = join(root, 'loose');
    open(loose).close();
    chmodSync(loose, 0o777);
    expect(() => new HostHandoff(loose, 1000)).toThrow(`${loose} may be written by other users`);
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(() => new HostHandoff(file, 1000)).toThrow();

    const warnings: string[] = [];
    const options = { handoffDir: loose, handlerTimeoutMs: 1000 };
    expect(hostHandoffFor(options, (message) => warnings.push(message))).toBeUndefined();
    expect(hostHandoffFor(options, (message) => warnings.push(message))).toBeUndefined();
    expect(warnings).toEqual([
      `inputs and outputs go through Redis: the handoff folder cannot be used (${loose} may be written by other users); set UFOP_HANDOFF_DIR to a folder of this user's own, or to off`,
    ]);
    expect(hostHandoffFor({ handoffDir: undefined, handlerTimeoutMs: 1000 }, () => undefined)).toBeUndefined();
  });
});
