import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWmemDefault, unixSocketBufferAdvice } from './socket-buffers';

describe('Unix socket buffers', () => {
  it('reads the sysctl as a byte count, and nothing where it is missing or not a number', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ufop-wmem-'));
    try {
      writeFileSync(join(folder, 'ok'), '212992\n');
      writeFileSync(join(folder, 'bad'), 'lots\n');
      expect(readWmemDefault(join(folder, 'ok'))).toBe(212992);
      expect(readWmemDefault(join(folder, 'bad'))).toBeUndefined();
      expect(readWmemDefault(join(folder, 'none'))).toBeUndefined();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("advises the sysctl below 4 MiB, naming the machine's value, and says nothing from 4 MiB or when unknown", () => {
    const advice = unixSocketBufferAdvice(212992).join(' ');
    expect(advice).toMatch(/^net\.core\.wmem_default is 212992 bytes, /);
    expect(unixSocketBufferAdvice(212992)).toContain('  sysctl -w net.core.wmem_default=4194304');
    expect(unixSocketBufferAdvice(4194304)).toEqual([]);
    expect(unixSocketBufferAdvice(8388608)).toEqual([]);
    expect(unixSocketBufferAdvice(undefined)).toEqual([]);
  });
});
