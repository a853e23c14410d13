import { raiseMallocThresholds } from './malloc-thresholds';

// What the raise does to glibc's malloc is measured in a process of its own: test/malloc-tunables.e2e-spec.ts.
describe('raiseMallocThresholds', () => {
  it('raises them on Linux when the environment leaves glibc its own settings', () => {
    expect(raiseMallocThresholds({}, 'linux')).toBe(true);
  });

  it('leaves them to GLIBC_TUNABLES when the environment sets it, even empty (glibc defaults)', () => {
    expect(raiseMallocThresholds({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=33554432' }, 'linux')).toBe(false);
    expect(raiseMallocThresholds({ GLIBC_TUNABLES: '' }, 'linux')).toBe(false);
  });

  it('does nothing where the C library is not glibc', () => {
    expect(raiseMallocThresholds({}, 'darwin')).toBe(false);
    expect(raiseMallocThresholds({}, 'win32')).toBe(false);
  });
});
