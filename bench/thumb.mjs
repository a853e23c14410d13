#!/usr/bin/env node
// The "sharp thumbnail: framework vs bare" row: a 1600×1200 JPEG made to 200 px wide, through the built sample's
// `thumb` (inline, defaults; and with the old default of one handler per CPU) and through a bare node:http server
// calling the same ImageService, with the same number of requests in flight from the same client on the same cores.
// Rounds rotate the servers so that load from elsewhere hits all alike; a ratio is the median of the per-round
// ratios. `node bench/thumb.mjs` runs it alone (`npm run build` first).
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import sharp from 'sharp';
import { measure } from './load.mjs';
import { start, stop } from './processes.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 3);
export const ROUNDS = Number(process.env.THUMB_ROUNDS || 5);
const CONNECTIONS = (process.env.THUMB_CONNECTIONS || '2,16').split(',').map(Number);
const CMD = 'demo/thumb/200';
const CPUS = availableParallelism();

/** The servers compared, the first being the base of the ratios. */
const SERVERS = [
  { key: 'bare', label: 'bare node:http + sharp', args: ['bench/servers/sharp-http.mjs'] },
  {
    key: 'framework',
    label: 'qiniu-ufop inline (defaults)',
    args: ['dist/sample/main.js'],
    env: { UFOP_MODE: 'inline', REDIS_URL: '' },
  },
  {
    key: 'perCpu',
    label: `qiniu-ufop inline, UFOP_CONCURRENCY=${CPUS} (one per CPU, the old default)`,
    args: ['dist/sample/main.js'],
    env: { UFOP_MODE: 'inline', REDIS_URL: '', UFOP_CONCURRENCY: String(CPUS) },
  },
];

/** A photo-like JPEG (smooth noise, not a flat colour, which would decode and resize for nothing). */
export function photo() {
  return sharp({
    create: { width: 1600, height: 1200, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .blur(2)
    .jpeg({ quality: 85 })
    .toBuffer();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function thumbnailRows({
  seconds = SECONDS,
  rounds = ROUNDS,
  connections = CONNECTIONS,
  log = console.error,
} = {}) {
  const load = [loadavg()[0]];
  const body = await photo();
  const servers = [];
  for (const server of SERVERS) servers.push({ ...server, ...(await start(server.args, server.env)) });
  const rows = [];
  try {
    for (const inFlight of connections) {
      const cells = Object.fromEntries(servers.map(({ key }) => [key, []]));
      for (let round = 0; round < rounds; round++) {
        // Rotate which goes first, so a drift in the machine's load does not favour one side.
        const order = servers.map((_, i) => servers[(i + round) % servers.length]);
        for (const { key, child, port } of order) {
          const url = `http://127.0.0.1:${port}/handler?cmd=${CMD}`;
          const cell = await measure({
            url,
            pids: [child.pid],
            body,
            connections: inFlight,
            seconds,
            contentType: 'image/jpeg',
          });
          cells[key].push(cell);
          log(
            `thumbnail · ${key} · ${inFlight} in flight · round ${round + 1}: ${cell.rps.toFixed(0)} req/s, p50 ${cell.p50} ms, ${cell.cpu.toFixed(0)} µs CPU/req${cell.bad ? `, ${cell.bad} errors` : ''}`,
          );
        }
      }
      const base = cells[servers[0].key];
      for (const { key, label } of servers) {
        const list = cells[key];
        rows.push({
          label,
          connections: inFlight,
          rps: median(list.map((c) => c.rps)),
          p50: median(list.map((c) => c.p50)),
          p99: median(list.map((c) => c.p99)),
          cpu: median(list.map((c) => c.cpu)),
          bad: list.reduce((sum, c) => sum + c.bad, 0),
          // Paired by round: each ratio compares cells measured within seconds of each other.
          ratios: list.map((c, i) => c.rps / base[i].rps),
          cpuRatio: median(list.map((c, i) => c.cpu / base[i].cpu)),
        });
      }
    }
  } finally {
    await Promise.all(servers.map(({ child }) => stop(child)));
  }
  load.push(loadavg()[0]);
  return { rows, size: body.length, seconds, load, date: new Date().toISOString().slice(0, 10) };
}

export function renderThumbnail({ rows }) {
  const lines = [
    '| server | in flight | req/s | × bare (median; each round) | p50 ms | p99 ms | server CPU µs/req | × bare | errors |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const each = row.ratios.map((r) => r.toFixed(2)).join(', ');
    lines.push(
      `| ${row.label} | ${row.connections} | ${row.rps.toFixed(0)} | ${median(row.ratios).toFixed(2)}× (${each}) | ${row.p50} | ${row.p99} | ${row.cpu.toFixed(0)} | ${row.cpuRatio.toFixed(2)}× | ${row.bad} |`,
    );
  }
  return lines.join('\n');
}

/** The section of docs/BENCHMARKS.md: how it is measured, the table, and what explains the ratio. */
export function thumbnailSection({ rows, seconds, load, date }) {
  return `## sharp thumbnail: framework vs bare

Real work rather than an echo: a 1600×1200 JPEG (230 KB, photo-like noise) made 200 px wide by the sample's
\`thumb/200\`, through the built sample in inline mode, against a bare \`node:http\` server
(bench/servers/sharp-http.mjs) that reads the body and calls the very same \`ImageService.thumbnail\` — the same
sharp pipeline, so both sides include HTTP and differ only by the framework. autocannon keeps the same number of
requests in flight against each, on the same cores; the servers take turns, ${ROUNDS} rounds of ${seconds} s per cell,
each round in a rotated order, and a ratio is the median of the per-round ratios (each round's ratio is listed:
their spread is the noise of a shared machine). "× bare" for CPU compares server CPU per request, from /proc.

- Run on ${date}; 1-minute load average ${load[0].toFixed(1)} at the start of this section, ${load[1].toFixed(1)} at its end

${renderThumbnail({ rows })}

What made the framework slow here (it ran at 0.65–0.67× of bare on a quiet machine, 1.30–1.36× bare's CPU per
thumbnail), found by switching framework pieces off one at a time and counting GCs (\`node --trace-gc-nvp\`, 600
thumbnails at 16 in flight):
- **Full GCs of the whole heap every 50–80 thumbnails**, none in the bare server: 9–14 mark-compacts per 600
  requests, 3.5–7.6 ms of GC-thread CPU and 0.4–0.8 ms of main-thread GC per request (bare: 0 mark-compacts,
  under 0.1 ms). They were started by "external memory pressure": input buffers (230 KB each, outside the JS heap)
  that young-generation GCs could not free, so external memory rose until V8 marked the framework's whole 30 MB
  heap. That also explains the odd "time inside sharp's \`pipeline()\`" and the extra pool-thread CPU seen before:
  GC steps and GC threads landing wherever the main thread was.
- **The cause: \`AsyncResource.bind\`** in the concurrency limiter, which keeps a waiting request's async context
  (its request id) for when a slot frees. Node's \`bind\` defines an \`asyncResource\` accessor on each bound
  function, and V8 allocates accessor pairs directly in the old generation; a young-generation GC treats pointers
  from old objects as roots, so the getter's closure, and through it the waiting request's work and its input
  buffer, survived every scavenge until the next full GC. Only requests that waited for a slot were pinned: the
  bare server (no waiting) never paid it, and fewer slots (more waiting) paid more at 16 in flight. (The earlier
  oddity at 2 in flight, where \`UFOP_CONCURRENCY=2\` cost less CPU than the default, did not reproduce: nothing
  waits there with either setting.) Switching the bind off alone: 0 mark-compacts; an \`AsyncResource\` with \`runInAsyncScope\` (what the
  limiter uses now) or \`AsyncLocalStorage.snapshot()\`: 0 too. A 2 000-call test in
  \`src/execution/concurrency.limiter.spec.ts\` counts full GCs: 6–8 with \`bind\`, 0–1 now. (Nest itself calls
  \`AsyncResource.bind\` per request when interceptors are registered; the framework registers none.)
- **The benchmark itself** kept every line the servers printed (the framework's access log: one line per request) in
  a string that grew without bound and was searched again for each chunk, in the process that also runs the
  load generator; \`bench/processes.mjs\` now drops the output once a server is ready, and keeps draining it.
- **What remained: full collections started by the requests' buffers.** After the fix above the framework still
  ran at 0.77–0.84× bare, with ~1.5 ms more CPU per thumbnail, mostly in V8 itself (\`perf\`: 1.3 samples per request
  in the node binary against bare's 0.26, much of it \`ConcurrentMarking\` and the sweeper). \`--trace-gc\` showed
  why: 21–90 mark-compacts in 5 s (one every 20–50 requests) and almost no scavenges, against 0 and 23–32 for bare.
  Each was started by V8's incremental-marking task although the heap itself had not grown (18 MB of 42–59 MB):
  V8 counts external memory allocated since the last full collection (every request's socket chunks and input,
  ~460 KB here) against the old generation's headroom, and after Nest's boot its heuristics gave the framework's
  18 MB live heap a limit of 2.3–3.2×, so ~50 requests' worth of dead buffers used it up before 32 MB of them could
  trigger the scavenge that frees them cheaply. The bare server has a 4 MB heap and never gets there; given 15 MB of
  live objects and three forced full GCs, it did the same (34 mark-compacts in 5 s, +0.3 ms per thumbnail). The
  framework now sets V8's \`--heap-growing-percent\` to \`UFOP_HEAP_GROWING_PERCENT\` (300: 4×, the most V8 picks on its
  own) at start-up: 1 mark-compact in 5 s, 20–28 scavenges, and the CPU per thumbnail within 0.1–0.6 ms of bare.
  \`test/gc-headroom.e2e-spec.ts\` sends 3 000 echoes of 230 KB and allows at most 8 full collections (1–2 with the
  default, 20–57 with \`UFOP_HEAP_GROWING_PERCENT=0\`).
- Other work on the two CPUs takes CPU time from whichever server is measured: with a high load average (above),
  req/s ratios move by ±0.3 from round to round; the CPU-per-request ratio moves less.
- sharp runs each call on libuv's thread pool (\`UV_THREADPOOL_SIZE\`, 4) and libvips's own worker threads; on
  larger flavors the pool, not \`UFOP_CONCURRENCY\`, bounds how many sharp calls run at once in a process: set
  \`UV_THREADPOOL_SIZE\` (before Node starts) to at least the concurrency to use more than 4 CPUs in one process.
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await thumbnailRows();
  const section = thumbnailSection(result);
  console.log(`\n${section}`);
  if (process.argv.includes('--write')) {
    // Replace this section of docs/BENCHMARKS.md, leaving the others as they are.
    const path = new URL('../docs/BENCHMARKS.md', import.meta.url);
    const text = readFileSync(path, 'utf8');
    const start = text.indexOf('## sharp thumbnail: framework vs bare');
    const next = text.indexOf('\n## ', start + 1);
    if (start < 0) throw new Error('docs/BENCHMARKS.md has no "sharp thumbnail" section to replace');
    writeFileSync(path, text.slice(0, start) + section.trimEnd() + '\n' + (next < 0 ? '' : text.slice(next)));
    console.error('written to docs/BENCHMARKS.md');
  }
  process.exit(0);
}
