import { MAX_CMD_LENGTH, parseCmd, readKeyValuePairs } from './ufop-cmd.parser';

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

describe('readKeyValuePairs', () => {
  const read = (rest: string) => {
    const pairs: Record<string, string> = {};
    const problem = readKeyValuePairs(rest, pairs);
    return problem ?? pairs;
  };

  it('reads Qiniu-style pairs', () => {
    expect(read('/w/200/h/100')).toEqual({ w: '200', h: '100' });
    expect(read('//w/200')).toEqual({ w: '200' });
    expect(read('/w//h/1')).toEqual({ w: '', h: '1' });
    expect(read('/constructor/1/toString/2')).toEqual({ constructor: '1', toString: '2' });
    expect(read('')).toEqual({});
    expect(read('/')).toEqual({});
  });

  it('says what is wrong with an odd count, an empty or repeated key, and __proto__', () => {
    expect(read('/w/200/min')).toBe(
      'missing value for "min": args after the route come in key/value pairs (min/<value>)',
    );
    expect(read('/w/1//200')).toBe('empty key before "200": args after the route come in key/value pairs (<key>/200)');
    expect(read('/w/1/w/2')).toBe('key "w" is given twice');
    expect(read('/__proto__/x')).toBe('key "__proto__" is not allowed');
  });
});
