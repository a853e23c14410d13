import { applyHeapGrowth } from './heap-growth';

describe('applyHeapGrowth', () => {
  it('leaves V8 alone at 0', () => {
    expect(applyHeapGrowth(0, [], '')).toBe(false);
  });

  it('leaves a flag given to node alone, on the command line or in NODE_OPTIONS, with - or _', () => {
    expect(applyHeapGrowth(300, ['--heap-growing-percent=50'], '')).toBe(false);
    expect(applyHeapGrowth(300, [], '--max-old-space-size=512 --heap_growing_percent=50')).toBe(false);
  });

  it('sets the flag otherwise', () => {
    expect(applyHeapGrowth(300, ['--enable-source-maps'], '--max-old-space-size=512')).toBe(true);
  });
});
