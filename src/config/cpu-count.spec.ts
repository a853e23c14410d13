import { availableParallelism } from 'node:os';
import { cgroupCpuQuota, cpuCount, defaultConcurrency } from './cpu-count';

describe('cpuCount', () => {
  const noCgroup = () => undefined;

  it('prefers CPU_COUNT, then FLAVOR, then the cgroup quota, then the available parallelism', () => {
    expect(cpuCount({ CPU_COUNT: '3', FLAVOR: 'C4M4' }, () => 8)).toBe(3);
    expect(cpuCount({ FLAVOR: 'C4M4' }, () => 8)).toBe(4);
    expect(cpuCount({ FLAVOR: 'c16m32' }, noCgroup)).toBe(16);
    expect(cpuCount({}, () => 1.5)).toBe(2);
    expect(cpuCount({}, noCgroup)).toBe(availableParallelism());
  });

  it('ignores values that are not counts', () => {
    expect(cpuCount({ CPU_COUNT: 'many', FLAVOR: 'large' }, () => 2)).toBe(2);
    expect(cpuCount({ CPU_COUNT: '0' }, () => 2)).toBe(2);
  });
});

describe('defaultConcurrency', () => {
  it('is two handlers per CPU, shared among the processes serving the instance, at least one', () => {
    expect(defaultConcurrency(2)).toBe(4);
    expect(defaultConcurrency(1)).toBe(2);
    expect(defaultConcurrency(4, 4)).toBe(2);
    expect(defaultConcurrency(3, 2)).toBe(3);
    expect(defaultConcurrency(1, 4)).toBe(1);
  });
});

describe('cgroupCpuQuota', () => {
  const files = (map: Record<string, string>) => (path: string) => {
    if (!(path in map)) throw new Error('ENOENT');
    return map[path];
  };

  it('reads cgroup v2 cpu.max', () => {
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '200000 100000\n' }))).toBe(2);
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeUndefined();
  });

  it('falls back to cgroup v1', () => {
    const v1 = { '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' };
    expect(cgroupCpuQuota(files(v1))).toBe(0.5);
    expect(cgroupCpuQuota(files({ ...v1, '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1' }))).toBeUndefined();
    expect(cgroupCpuQuota(files({}))).toBeUndefined();
  });
});
