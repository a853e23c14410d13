// The queue-mode targets of issue 9 ("cheaper jobs"), checked against the rows of one `npm run bench` run.

/**
 * The Python package this framework replaces (Tornado + Celery polling every 100 ms), as measured on this machine
 * when it could still be installed: recorded figures, not re-run.
 */
export const PREDECESSOR = { name: 'predecessor: Python qiniu-ufop (Tornado + Celery)', rps: 147, p50: 104 };

const TARGETS = [
  {
    what: `req/s ≥ 10× the predecessor's ${PREDECESSOR.rps} (1 KiB, 16 conns)`,
    cell: { size: '1 KiB', connections: 16 },
    value: (row) => `${row.rps.toFixed(0)} req/s = ${(row.rps / PREDECESSOR.rps).toFixed(1)}×`,
    met: (row) => row.rps >= 10 * PREDECESSOR.rps,
  },
  {
    what: 'server CPU/req ≤ 4× inline (1 KiB, 16 conns)',
    cell: { size: '1 KiB', connections: 16 },
    value: (row, inline) =>
      `${row.cpu.toFixed(0)} µs = ${(row.cpu / inline.cpu).toFixed(2)}× inline (${inline.cpu.toFixed(0)} µs)`,
    met: (row, inline) => row.cpu <= 4 * inline.cpu,
  },
  {
    what: 'server CPU/req ≤ 3× inline (1 MiB, 16 conns)',
    cell: { size: '1 MiB', connections: 16 },
    value: (row, inline) =>
      `${row.cpu.toFixed(0)} µs = ${(row.cpu / inline.cpu).toFixed(2)}× inline (${inline.cpu.toFixed(0)} µs)`,
    met: (row, inline) => row.cpu <= 3 * inline.cpu,
  },
  {
    what: 'p50 ≤ 2 ms (1 KiB, 1 conn)',
    cell: { size: '1 KiB', connections: 1 },
    value: (row) => `${row.p50} ms`,
    met: (row) => row.p50 <= 2,
  },
];

/** The section of docs/BENCHMARKS.md that says, for each queue layout, which target this run met. */
export function targetsSection(rows) {
  const find = (server, { size, connections }) =>
    rows.find((r) => r.server === server && r.size === size && r.connections === connections);
  const layouts = [...new Set(rows.filter((row) => row.queue).map((row) => row.server))];
  const lines = ['| target (queue mode) | server | this run | met |', '|---|---|---|---|'];
  for (const target of TARGETS) {
    for (const server of layouts) {
      const row = find(server, target.cell);
      const inline = find('qiniu-ufop inline', target.cell);
      lines.push(
        `| ${target.what} | ${server.replace('qiniu-ufop queue, ', '')} | ${target.value(row, inline)} | ${target.met(row, inline) ? 'yes' : '**no**'} |`,
      );
    }
  }
  return `## Queue-mode targets

From the table above (issue 9, "cheaper jobs"). The predecessor's figure is the one recorded on this project's machine of the time, slower than today's
(${PREDECESSOR.rps} req/s at 16 connections, p50 ${PREDECESSOR.p50} ms); its package can no longer be installed to re-run it. Its throughput is bound by its
100 ms result polling (16 connections / 0.104 s ≈ 154 req/s), not by the CPU, so a faster machine hardly raises it.
Server CPU excludes Redis's (its own column above).

Before the changes of issue 9 (the build of commit 4af198d), measured side by side with the same client on
2026-11-28 on that earlier machine (load average 6–10; medians of 3–4 interleaved rounds, 1 KiB, 16 connections): one web+worker process
336 req/s and 1984 µs of server CPU per request (after: 641 and 1469, inline 448), Redis 519 µs (after: 182); one
web and one worker process 168 req/s and 3113 µs (after: 257 and 2734). At 1 MiB nothing changed (17.3 against
18.3 ms per request, within the noise): the bytes go through Redis as before.

${lines.join('\n')}`;
}
