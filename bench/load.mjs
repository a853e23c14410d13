// One benchmark cell: autocannon posts `body` to `url` with `connections` in flight, after a 1 s warm-up.
import autocannon from 'autocannon';
import { cpuMicros } from './processes.mjs';

/**
 * Requests/s, p50/p99 latency (ms), the server's CPU per request (µs, every process in `pids`) and the count of
 * answers that were not 2xx.
 */
export async function measure({ url, pids, body, connections, seconds, contentType = 'application/octet-stream' }) {
  const options = { url, method: 'POST', headers: { 'content-type': contentType }, body, connections };
  await autocannon({ ...options, duration: 1 }); // warm-up: JIT, connection pools, Redis scripts
  const cpuBefore = cpuMicros(pids);
  const result = await autocannon({ ...options, duration: seconds });
  const cpu = (cpuMicros(pids) - cpuBefore) / Math.max(1, result.requests.total);
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad)
    console.error(
      `  not 2xx: ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu,
    bad,
    total: result.requests.total,
  };
}
