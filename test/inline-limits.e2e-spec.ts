import { post, StartedServer } from './support/protocol.suite';
import { startTestApp } from './support/in-process-server';

describe('inline mode: bounded concurrency', () => {
  let server: StartedServer;

  beforeAll(async () => {
    server = await startTestApp({ UFOP_MODE: 'inline', REDIS_URL: '', UFOP_CONCURRENCY: '1', UFOP_MAX_WAITING: '1' });
  });

  afterAll(() => server?.close());

  it('runs UFOP_CONCURRENCY handlers at once, lets UFOP_MAX_WAITING wait, and refuses the rest with 503', async () => {
    const replies = await Promise.all(
      [1, 2, 3].map(() => post(server.baseUrl, { cmd: 'demo/fixture/concurrency/800' })),
    );
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([200, 200, 503]);
    const refused = replies.find((reply) => reply.status === 503)!;
    expect(refused.json().error).toMatch(/too busy: 1 handlers running and 1 requests waiting/);
    for (const reply of replies.filter((r) => r.status === 200)) {
      expect(reply.json()).toEqual({ maxRunning: 1 });
    }
  });

  it('serves again once the burst is over', async () => {
    expect((await post(server.baseUrl, { cmd: 'demo/hello/again' })).body.toString()).toBe('hello again');
  });
});
