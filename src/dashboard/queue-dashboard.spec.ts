import { IncomingMessage } from 'node:http';
import { hasBasicAuth } from './basic-auth';
import { loadOptionalPeer } from './queue-dashboard';

describe('queue dashboard', () => {
  it('says how to install bull-board when it is absent', () => {
    expect(() => loadOptionalPeer('@bull-board/not-installed')).toThrow(
      'UFOP_DASHBOARD_PORT is set but @bull-board/not-installed cannot be loaded: the queue dashboard is an optional peer ' +
        'dependency. Install it in the project (npm install @bull-board/api @bull-board/express) or unset UFOP_DASHBOARD_PORT.',
    );
    expect(loadOptionalPeer<{ createBullBoard: unknown }>('@bull-board/api').createBullBoard).toEqual(
      expect.any(Function),
    );
  });

  it('checks basic auth', () => {
    const req = (authorization?: string) => ({ headers: { authorization } }) as IncomingMessage;
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    expect(hasBasicAuth(req(basic('ops:pa:ss')), 'ops', 'pa:ss')).toBe(true);
    expect(hasBasicAuth(req(basic('ops:wrong')), 'ops', 'pa:ss')).toBe(false);
    expect(hasBasicAuth(req(basic('opsx:pa:ss')), 'ops', 'pa:ss')).toBe(false);
    expect(hasBasicAuth(req(basic('nocolon')), 'ops', 'pa:ss')).toBe(false);
    expect(hasBasicAuth(req('Bearer x'), 'ops', 'pa:ss')).toBe(false);
    expect(hasBasicAuth(req(), 'ops', 'pa:ss')).toBe(false);
  });
});
