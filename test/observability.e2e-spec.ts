import { freePort } from './support/free-port';
import { startTestApp } from './support/in-process-server';
import { post, StartedServer } from './support/protocol.suite';

const TOKEN = 'test-admin-token-0123456789';

/** The sample lines of one metric in exposition text: `{labels → value}`. */
function samples(text: string, name: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) found[match[1] ?? ''] = Number(match[2]);
  }
  return found;
}

describe('observability (inline mode, in process)', () => {
  let server: StartedServer;
  let metricsUrl: string;
  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return response.text();
  };

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    server = await startTestApp({ UFOP_METRICS_PORT: String(port), UFOP_ADMIN_TOKEN: TOKEN, UFOP_CONCURRENCY: '3' });
  });
  afterAll(() => server.close());

  it('counts a mix of 200/400/404 answers exactly, by route pattern and status, and times every span', async () => {
    const before = await scrape();
    expect(samples(before, 'ufop_requests_total')).toEqual({});
    expect(samples(before, 'ufop_handler_slots')).toEqual({ '': 3 });

    for (const name of ['a', 'b', 'c'])
      expect((await post(server.baseUrl, { cmd: `demo/hello/${name}` })).status).toBe(200);
    expect(
      (await post(server.baseUrl, { cmd: 'demo/echo' }, { body: 'x'.repeat(5000), contentType: 'text/plain' })).status,
    ).toBe(200);
    expect((await post(server.baseUrl, { cmd: 'demo/nothing/here' })).status).toBe(404);
    expect((await post(server.baseUrl, { cmd: 'demo/nor/this' })).status).toBe(404);
    expect((await post(server.baseUrl, {})).status).toBe(400); // no cmd
    expect((await post(server.baseUrl, { cmd: 'demo/thumb/wide' })).status).toBe(400); // a route, args refused
    expect((await post(server.baseUrl, { cmd: 'demo/fixture/crash' })).status).toBe(500);

    const text = await scrape();
    expect(samples(text, 'ufop_requests_total')).toEqual({
      '{route="hello/:name?",status="200"}': 3,
      '{route="echo",status="200"}': 1,
      '{route="none",status="404"}': 2,
      '{route="none",status="400"}': 1,
      '{route="thumb/:width/:height?",status="400"}': 1,
      '{route="fixture/crash",status="500"}': 1,
    });
    expect(samples(text, 'ufop_request_duration_seconds_count')).toEqual({ '': 9 });
    // Every request that reached a stage is timed there: the crash has input and queue and process... but no
    // process end (the handler threw), and nothing was written after processing.
    expect(samples(text, 'ufop_request_span_duration_seconds_count')).toEqual({
      '{span="input"}': 5,
      '{span="queue"}': 5,
      '{span="process"}': 4,
      '{span="output"}': 4,
    });
    expect(samples(text, 'ufop_input_bytes_count')).toEqual({ '': 5 });
    expect(samples(text, 'ufop_input_bytes_sum')).toEqual({ '': 5000 });
    expect(samples(text, 'ufop_errors_total')).toEqual({ '{type="handler"}': 1 });
    expect(samples(text, 'ufop_requests_in_progress')).toEqual({ '': 0 });
    expect(text).toMatch(/^process_cpu_user_seconds_total \S+$/m); // Node's default metrics
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
  });

  it('answers only /metrics on the metrics port', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  });

  it("returns the caller's X-Reqid, generates one when absent or unsafe, errors included", async () => {
    const given = await post(server.baseUrl, { cmd: 'demo/hello' }, { headers: { 'x-reqid': 'AAsAAO8xN5KlzfEX' } });
    expect(given.headers.get('x-reqid')).toBe('AAsAAO8xN5KlzfEX');
    const failed = await post(server.baseUrl, { cmd: 'demo/nope' }, { headers: { 'x-reqid': 'qiniu-404-id' } });
    expect(failed.status).toBe(404);
    expect(failed.headers.get('x-reqid')).toBe('qiniu-404-id');
    const generated = await post(server.baseUrl, { cmd: 'demo/hello' });
    expect(generated.headers.get('x-reqid')).toMatch(/^[A-Za-z0-9_-]{13,}$/);
    const unsafe = await post(server.baseUrl, { cmd: 'demo/hello' }, { headers: { 'x-reqid': 'a"b' } });
    expect(unsafe.headers.get('x-reqid')).toMatch(/^[A-Za-z0-9_-]{13,}$/);
    const health = await fetch(`${server.baseUrl}/health`, { headers: { 'x-reqid': 'probe-1' } });
    expect(health.headers.get('x-reqid')).toBe('probe-1');
  });

  describe('_ufop/stats', () => {
    it('answers a JSON snapshot of the metrics with the token', async () => {
      const reply = await post(server.baseUrl, { cmd: `demo/_ufop/stats/token/${TOKEN}` });
      expect(reply.status).toBe(200);
      expect(reply.type).toBe('application/json');
      const { metrics } = reply.json<{
        metrics: Record<string, Array<{ labels: Record<string, string>; value: number }>>;
      }>();
      expect(metrics.ufop_requests_total).toEqual(
        expect.arrayContaining([{ labels: { route: 'hello/:name?', status: '200' }, value: expect.any(Number) }]),
      );
      expect(metrics.ufop_handler_slots).toEqual([{ labels: {}, value: 3 }]);
    });

    it('answers a wrong or missing token exactly like an unknown cmd, and is never counted under its own route then', async () => {
      for (const cmd of [
        'demo/_ufop/stats/token/wrong-token-0123456789',
        'demo/_ufop/stats',
        'demo/_ufop/shell/token/' + TOKEN,
      ]) {
        const reply = await post(server.baseUrl, { cmd });
        expect(reply.status).toBe(404);
        expect(reply.json()).toEqual({ error: `no handler for cmd ${JSON.stringify(cmd)}` });
        const unknown = await post(server.baseUrl, { cmd: cmd.replace('_ufop', 'ufop_') });
        expect(unknown.status).toBe(404);
        expect(Object.keys(unknown.json())).toEqual(['error']);
      }
      const text = await scrape();
      expect(samples(text, 'ufop_requests_total')['{route="_ufop/stats",status="200"}']).toBe(1);
    });

    it('does not exist when UFOP_ADMIN_TOKEN is unset', async () => {
      const plain = await startTestApp({});
      try {
        const cmd = `demo/_ufop/stats/token/${TOKEN}`;
        const reply = await post(plain.baseUrl, { cmd });
        expect(reply.status).toBe(404);
        expect(reply.json()).toEqual({ error: `no handler for cmd ${JSON.stringify(cmd)}` });
      } finally {
        await plain.close();
      }
    });
  });
});

describe('/health while draining (inline mode, in process)', () => {
  it('answers 503 from the start of the shutdown while a request in flight finishes, then the server closes', async () => {
    const port = await freePort();
    const server = await startTestApp({ UFOP_METRICS_PORT: String(port) });
    const metrics = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);

    const slow = post(server.baseUrl, { cmd: 'demo/fixture/slow/1500' });
    // In flight once the gauge says so: a sync point, not a timing.
    while (!/^ufop_requests_in_progress 1$/m.test(await (await fetch(metrics)).text())) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const closed = server.close();
    let health: Response;
    do {
      health = await fetch(`${server.baseUrl}/health`, { headers: { connection: 'close' } });
    } while (health.status === 200); // the shutdown hooks start on the next tick
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ error: 'draining: this instance is shutting down' });

    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe('slow done');
    await closed;
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();
  });
});
