import { MAX_CMD_LENGTH, parseCmd, parseKeyValuePairs } from './ufop-cmd.parser';

describe('parseCmd', () => {
  it('splits the UFOP name from the command routes see', () => {
    expect(parseCmd('thumb/200/100')).toEqual({ raw: 'thumb/200/100', name: 'thumb', command: '200/100' });
    expect(parseCmd('thumb')).toEqual({ raw: 'thumb', name: 'thumb', command: '' });
  });

  it('checks the name when one is expected', () => {
    expect(parseCmd('thumb/w/1', 'thumb').command).toBe('w/1');
    expect(() => parseCmd('other/w/1', 'thumb')).toThrow(/not for this UFOP: expected it to start with thumb/);
  });

  it('refuses a missing, empty, non-string or overlong cmd with 400', () => {
    for (const raw of [undefined, '', '   ', 42, ['a', 'b'], 'x'.repeat(MAX_CMD_LENGTH + 1)]) {
      expect(() => parseCmd(raw)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

describe('parseKeyValuePairs', () => {
  it('reads Qiniu-style pairs', () => {
    expect(parseKeyValuePairs('/w/200/h/100')).toEqual({ w: '200', h: '100' });
    expect(parseKeyValuePairs('')).toEqual({});
  });

  it('refuses an odd count, empty or repeated keys, and __proto__', () => {
    expect(parseKeyValuePairs('/w/200/h')).toBeUndefined();
    expect(parseKeyValuePairs('//200')).toBeUndefined();
    expect(parseKeyValuePairs('/w/1/w/2')).toBeUndefined();
    expect(parseKeyValuePairs('/__proto__/x')).toBeUndefined();
  });
});
