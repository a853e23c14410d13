import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteBudget } from '../resources/byte-budget';
import { InputReservation } from '../resources/input.reservation';
import { RequestTempFiles } from '../resources/temp-files';
import { InputSink, InputSinkOptions } from './input.sink';

describe('InputSink', () => {
  let dir: string;
  let memory: ByteBudget;
  let disk: ByteBudget;
  let temp: RequestTempFiles;
  const sink = (options: Partial<InputSinkOptions> = {}) =>
    new InputSink({
      maxBytes: 100,
      spillBytes: 10,
      reservation: new InputReservation({ memory, disk }),
      temp,
      ...options,
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ufop-sink-'));
    memory = new ByteBudget(50);
    disk = new ByteBudget(80);
    temp = new RequestTempFiles(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a small input in memory, counted against the memory budget', async () => {
    const s = sink({ declared: 6 });
    s.write(Buffer.from('abc'));
    s.write(Buffer.from('def'));
    expect(await s.finish()).toEqual({ buffer: Buffer.from('abcdef'), size: 6 });
    expect(memory.inUse).toBe(6);
  });

  it('moves a growing input to a temp file past spillBytes, and out of the memory budget', async () => {
    const s = sink();
    s.write(Buffer.from('0123456789'));
    expect(memory.inUse).toBe(10);
    await s.write(Buffer.from('abcdef'));
    const stored = await s.finish();
    expect(stored.size).toBe(16);
    expect(readFileSync(stored.path!, 'utf8')).toBe('0123456789abcdef');
    expect([memory.inUse, disk.inUse]).toEqual([0, 16]);
  });

  it('writes synchronously when asked (downloads), with the same result', async () => {
    const s = sink({ syncWrites: true });
    expect(s.write(Buffer.from('0123456789'))).toBeUndefined();
    expect(s.write(Buffer.from('abc'))).toBeUndefined();
    const stored = await s.finish();
    expect(readFileSync(stored.path!, 'utf8')).toBe('0123456789abc');
  });

  it('goes to disk from the first byte when the declared size is over spillBytes', async () => {
    const s = sink({ declared: 12 });
    await s.write(Buffer.from('012345678901'));
    expect((await s.finish()).path).toBeDefined();
    expect(memory.inUse).toBe(0);
  });

  it('in queue mode counts every byte as memory too (it will sit in Redis)', async () => {
    const s = sink({ countAllAsMemory: true });
    await s.write(Buffer.alloc(30));
    expect([memory.inUse, disk.inUse]).toEqual([30, 30]);
    await s.abort(); // closes the file it spilled to (left open, Node closed it on collection, with a warning)
  });

  it('refuses past the cap (413), past a budget (503), and a body that does not match its Content-Length (400)', async () => {
    expect(() => sink({ declared: 101 })).toThrow(expect.objectContaining({ status: 413 }));
    const capped = sink();
    expect(() => capped.write(Buffer.alloc(101))).toThrow(expect.objectContaining({ status: 413 }));
    const overBudget = sink({ maxBytes: 1000 });
    await overBudget.write(Buffer.alloc(50));
    expect(() => overBudget.write(Buffer.alloc(40))).toThrow(expect.objectContaining({ status: 503 }));
    await overBudget.abort();
    const longer = sink({ declared: 3 });
    expect(() => longer.write(Buffer.from('abcd'))).toThrow(expect.objectContaining({ status: 400 }));
    const shorter = sink({ declared: 3 });
    shorter.write(Buffer.from('ab'));
    await expect(shorter.finish()).rejects.toMatchObject({ status: 400 });
  });

  it('leaves nothing behind once the request cleans up, even after an abort mid-file', async () => {
    const s = sink();
    await s.write(Buffer.alloc(20));
    await s.abort();
    await temp.cleanup();
    expect(readdirSync(dir)).toEqual([]);
  });
});
