import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { ensureBuilt } from './support/build';
import { SampleProcess } from './support/large-body';

jest.setTimeout(120_000);

const BODY = randomBytes(230 * 1024); // the size of the thumbnail benchmark's photo
const REQUESTS = 3000;
const IN_FLIGHT = 2;
/** A pause after each answer: the issue shows at a moderate rate (a real handler's), not at the fastest one. */
const PAUSE_MS = 3;

function echo(port: number, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/handler?cmd=demo/echo',
        method: 'POST',
        agent,
        headers: { 'content-length': BODY.length },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(res.statusCode === 200 && bytes === BODY.length ? 200 : (res.statusCode ?? 0)));
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

async function majorCollections(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  // No line yet until the first collection of that kind.
  return Number(/^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/**
 * Requests' short-lived buffers must die in young-generation collections. With V8's own heap growing heuristics,
 * the framework's ~20 MB live heap got so little headroom that a steady flow of 230 KB bodies started a full
 * collection every few dozen requests (27–57 in this test, ~1.5 ms of CPU per request in the thumbnail benchmark);
 * the framework's default `UFOP_HEAP_GROWING_PERCENT` leaves them 1–2.
 */
describe('GC headroom (built sample, inline)', () => {
  let sample: SampleProcess;

  beforeAll(async () => {
    ensureBuilt();
    sample = await SampleProcess.start({ UFOP_MODE: 'inline', UFOP_METRICS_PORT: '0' });
  });

  afterAll(() => sample?.stop());

  it('answers a steady flow of 230 KB requests with few full collections', async () => {
    const deadline = Date.now() + 10_000;
    let metricsPort: number | undefined;
    while (metricsPort === undefined && Date.now() < deadline) {
      const match = /metrics of this process at http:\/\/[^:]+:(\d+)/.exec(sample.output);
      if (match) metricsPort = Number(match[1]);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(metricsPort).toBeDefined();
    const before = await majorCollections(metricsPort!);

    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const statuses = new Map<number, number>();
    let sent = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (sent++ < REQUESTS) {
          const status = await echo(sample.port, agent);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
        }
      }),
    );
    agent.destroy();

    expect(Object.fromEntries(statuses)).toEqual({ 200: REQUESTS });
    const majors = (await majorCollections(metricsPort!)) - before;
    expect(majors).toBeLessThanOrEqual(8);
  });
});
