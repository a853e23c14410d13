import { cgroupMemoryLimit, instanceMemoryBytes } from './memory-size';

const GiB = 1024 ** 3;

describe('instanceMemoryBytes', () => {
  it('takes FLAVOR first, then the cgroup limit', () => {
    expect(instanceMemoryBytes({ FLAVOR: 'C1M1' }, () => 8 * GiB)).toBe(GiB);
    expect(instanceMemoryBytes({ FLAVOR: 'c2m4' }, () => undefined)).toBe(4 * GiB);
    expect(instanceMemoryBytes({}, () => 512 * 1024 * 1024)).toBe(512 * 1024 * 1024);
  });

  it('reads cgroup v2, then v1, and treats "max" or a huge v1 value as no limit', () => {
    expect(cgroupMemoryLimit((path) => (path.endsWith('memory.max') ? '1073741824\n' : ''))).toBe(GiB);
    expect(cgroupMemoryLimit((path) => (path.endsWith('memory.max') ? 'max\n' : ''))).toBeUndefined();
    const v1 = (value: string) => (path: string) => {
      if (path.endsWith('memory.max')) throw new Error('ENOENT');
      return value;
    };
    expect(cgroupMemoryLimit(v1('2147483648'))).toBe(2 * GiB);
    expect(cgroupMemoryLimit(v1('9223372036854771712'))).toBeUndefined();
  });
});
