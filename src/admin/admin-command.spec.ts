import { isAdminCommand, parseAdminCommand, sameSecret } from './admin-command';

const TOKEN = 'k'.repeat(20);

describe('operator commands', () => {
  it('recognises the reserved prefix only', () => {
    expect(isAdminCommand('_ufop/stats/token/x')).toBe(true);
    expect(isAdminCommand('_ufop')).toBe(true);
    expect(isAdminCommand('_ufopx/stats')).toBe(false);
    expect(isAdminCommand('hello/_ufop')).toBe(false);
  });

  it('parses a known command with the right token, its params without the token', () => {
    expect(parseAdminCommand(`_ufop/stats/token/${TOKEN}`, TOKEN)).toEqual({ name: 'stats', params: {} });
    expect(parseAdminCommand(`_ufop/logs/token/${TOKEN}/lines/5/reqid/abc/role/worker`, TOKEN)).toEqual({
      name: 'logs',
      params: { lines: '5', reqid: 'abc', role: 'worker' },
    });
    expect(parseAdminCommand(`_ufop/logs/lines/5/token/${TOKEN}`, TOKEN)?.params).toEqual({ lines: '5' });
  });

  it('gives nothing (an unknown cmd) for a wrong, missing or partial token, an unknown name or odd segments', () => {
    for (const command of [
      '_ufop/stats',
      '_ufop/stats/token/wrong',
      `_ufop/stats/token/${TOKEN.slice(1)}`,
      `_ufop/stats/token/${TOKEN}x`,
      `_ufop/shell/token/${TOKEN}`,
      `_ufop/logs/token/${TOKEN}/lines`,
    ]) {
      expect(parseAdminCommand(command, TOKEN)).toBeUndefined();
    }
  });

  it('compares secrets of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });
});
