import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/build';
import { CliProcess, waitForHealthy } from './support/cli-process';
import { freePort } from './support/free-port';

const TOKEN = 'cluster-admin-token-0123456789';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** `runserver` with 2 processes: the supervisor serves one scrape that sums both. */
describe('metrics under runserver (2 processes, built sample)', () => {
  let server: CliProcess;
  let base: string;
  let metricsUrl: string;
  let logDir: string;

  beforeAll(async () => {
    await ensureBuilt();
    logDir = mkdtempSync(join(tmpdir(), 'ufop-obs-cluster-'));
    const [port, metricsPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    server = CliProcess.start(['runserver', '-p', String(port)], {
      env: {
        CPU_COUNT: '2',
        UFOP_CONCURRENCY: '3',
        UFOP_METRICS_PORT: String(metricsPort),
        UFOP_ADMIN_TOKEN: TOKEN,
        UFOP_LOG_DIR: logDir,
        REDIS_URL: undefined,
        UFOP_MODE: undefined,
        UFOP_ROLE: undefined,
      },
    });
    await server.waitFor(/listening on port/, 2);
    await waitForHealthy(`${base}/health`, server);
  }, 300_000);

  afterAll(async () => {
    await server?.stop(5_000);
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  it("is scraped once on the supervisor's port and sums both processes", async () => {
    expect(server.output).toMatch(/\[Supervisor\] metrics of all server processes at http:\/\/0\.0\.0\.0:\d+\/metrics/);
    // A new connection per request: node:cluster hands connections to the processes in turn.
    const reqids = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const reply = await fetch(`${base}/handler?cmd=demo/hello/n${i}`, {
        method: 'POST',
        headers: { connection: 'close' },
      });
      expect(reply.status).toBe(200);
      reqids.add(reply.headers.get('x-reqid')!);
    }
    expect(reqids.size).toBe(10);

    const scrape = await fetch(metricsUrl);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(sample(text, 'ufop_requests_total{route="hello/:name?",status="200"}')).toBe(10);
    expect(sample(text, 'ufop_request_span_duration_seconds_count{span="process"}')).toBe(10);
    // Each process has 3 slots: 6 is the sum over both.
    expect(sample(text, 'ufop_handler_slots')).toBe(6);
  });

  it('_ufop/stats answers the sum over all processes too, whichever process takes the request', async () => {
    for (let i = 0; i < 2; i++) {
      const reply = await fetch(`${base}/handler?cmd=demo/_ufop/stats/token/${TOKEN}`, {
        method: 'POST',
        headers: { connection: 'close' },
      });
      expect(reply.status).toBe(200);
      const { metrics } = (await reply.json()) as {
        metrics: Record<string, Array<{ labels: Record<string, string>; value: number }>>;
      };
      expect(metrics.ufop_handler_slots).toEqual([{ labels: {}, value: 6 }]);
      expect(metrics.ufop_requests_total).toContainEqual({
        labels: { route: 'hello/:name?', status: '200' },
        value: 10,
      });
    }
  });

  it("writes the supervisor's lines in the processes' format, without colours", () => {
    const supervisor = server.output.split('\n').filter((line) => line.includes('[Supervisor]'));
    expect(supervisor.length).toBeGreaterThan(0);
    for (const line of supervisor)
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \d+ (LOG|WARN|ERROR) \[Supervisor\] /);
    expect(server.output).not.toMatch(/\x1b\[/);
  });
});
