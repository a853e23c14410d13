import { mallocTunablesEnv } from './malloc-tunables';

describe('mallocTunablesEnv', () => {
  it("gives the framework's malloc settings when the environment has none", () => {
    expect(mallocTunablesEnv({})).toEqual({
      GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=8388608:glibc.malloc.trim_threshold=67108864',
    });
  });

  it("keeps the user's, an empty one included (how to turn the framework's off)", () => {
    expect(mallocTunablesEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toEqual({
      GLIBC_TUNABLES: 'glibc.malloc.arena_max=2',
    });
    expect(mallocTunablesEnv({ GLIBC_TUNABLES: '' })).toEqual({ GLIBC_TUNABLES: '' });
  });
});
