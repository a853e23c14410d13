// The queue-mode targets of issue 9 ("cheaper jobs"), checked against the rows of one `npm run bench` run.

/**
 * The Python package this framework replaces (Tornado + Celery polling every 100 ms), as measured on this machine
 * when it could still be installed: recorded figures, not re-run.
 */
export const PREDECESSOR = { name: 'predecessor: Python qiniu-ufop (Tornado + Celery)', rps: 147, p50: 104 };

/**
 * Inline mode run as `runserver --processes 2`: the runserver + runworker layout runs four processes on two cores,
 * and more processes than cores cost CPU per request whatever the mode; this row says how much for inline mode.
 */
export const INLINE_RUNSERVER = 'qiniu-ufop inline, 2 processes (runserver)';

const cpuValue = (row, inline, sameShape) =>
  `${row.cpu.toFixed(0)} µs = ${(row.cpu / inline.cpu).toFixed(2)}× inline (${inline.cpu.toFixed(0)} µs)` +
  (sameShape
    ? `; ${(row.cpu / sameShape.cpu).toFixed(2)}× inline run as runserver with 2 processes (${sameShape.cpu.toFixed(0)} µs)`
    : '');

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
    value: cpuValue,
    met: (row, inline) => row.cpu <= 4 * inline.cpu,
    bound: 4,
  },
  {
    what: 'server CPU/req ≤ 3× inline (1 MiB, 16 conns)',
    cell: { size: '1 MiB', connections: 16 },
    value: cpuValue,
    met: (row, inline) => row.cpu <= 3 * inline.cpu,
    bound: 3,
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
      // The runserver layout is also set beside inline mode run as runserver: the met column still says whether
      // the target as written (against one inline process) was met, and adds how it reads against that row.
      const sameShape = server.includes('runserver') ? find(INLINE_RUNSERVER, target.cell) : undefined;
      let met = target.met(row, inline) ? 'yes' : '**no**';
      if (sameShape && target.bound && !target.met(row, inline))
        met += row.cpu <= target.bound * sameShape.cpu ? ' (yes against inline as runserver)' : '';
      lines.push(
        `| ${target.what} | ${server.replace('qiniu-ufop queue, ', '')} | ${target.value(row, inline, sameShape)} | ${met} |`,
      );
    }
  }
  return `## Queue-mode targets

From the table above (issue 9, "cheaper jobs"). The predecessor's figure is the one recorded on this project's machine of the time
(${PREDECESSOR.rps} req/s at 16 connections, p50 ${PREDECESSOR.p50} ms); its package can no longer be installed to re-run it. Its throughput is bound by its
100 ms result polling (16 connections / 0.104 s ≈ 154 req/s), not by the CPU, so a faster machine hardly raises it.
Server CPU excludes Redis's (its own column above).

Before the changes of issue 9 (the build of commit 4af198d), measured side by side with the same client on
2026-11-28 on that earlier machine (load average 6–10; medians of 3–4 interleaved rounds, 1 KiB, 16 connections): one web+worker process
336 req/s and 1984 µs of server CPU per request (after: 641 and 1469, inline 448), Redis 519 µs (after: 182); one
web and one worker process 168 req/s and 3113 µs (after: 257 and 2734). At 1 MiB nothing changed (17.3 against
18.3 ms per request, within the noise): the bytes go through Redis as before.

Then the bytes of blobs moved to two connections of the framework's own (SET and GET written and read without
ioredis's copies) and the web tier let an input go once it is on its way to Redis. Measured side by side on
2026-11-28 on the machine of the day (the build of commit 379e83c against this one, 1 MiB, 16 connections, medians of
4 interleaved rounds of 3 s): inline 2797 µs of server CPU per request; one web+worker process 13679 → 8045 µs
(4.89× → 2.88× inline); one web and one worker process 14871 → 7425 µs (5.32× → 2.65×).

What bounds the 1 MiB ratio, measured on the AMD EPYC machine of 2026-11-28 07:00–08:15 UTC before the buffer reuse below (1 MiB, 16
connections, CPU per request from /proc, user + system): inline 1355 µs (743 + 612). One web and one worker process
4603 µs: the web process 3138 (2091 + 1047), the worker 1466 (925 + 541); Redis 1281 apart. Storing 1 MiB on the blob
connection and taking it back costs 1176–1371 µs of CPU in one process, nearly all of it in the kernel (1036–1146 µs
of system time: loopback TCP), and a request in queue mode does that twice on top of inline's work (the web stores
the input and takes the output, the worker takes the input and stores the output), plus the job itself (~400 µs,
the 1 KiB difference): 1355 + ~2400 + ~400 is the ~4200 µs measured. Three times inline leaves nothing beyond the
bytes' two trips through Redis; four processes on two cores (runserver + runworker) add another 20–30%.

Tried on that machine and not kept: handing large bytes over as files in the temp folder when web and worker share
it. Redis's CPU per request fell from 1281 to ~250 µs, but the servers' rose (one web and one worker process 4603 →
6398 µs, one process 4478 → 7358 µs): Node's asynchronous file calls (thread pool) cost 763 µs to write 1 MiB and 455
µs to read it back (open, write or read, close), against ~600 µs for a socket trip; the synchronous calls (396 and
175 µs) would block the event loop. Kept: the web tier reuses its input and output buffers (\`BufferPool\`) instead of
allocating them, so fewer young-generation collections are triggered by external memory; side by side, 6056 → 5186
µs per request with one web and one worker process, 5238 → 4399 µs in one process (inline 1807 µs in that run).

Measured on 2026-11-28 from 09:10 UTC on a quieter machine of the same kind (the run of 10:14 UTC): inline mode's 1 MiB
request cost 789–840 µs of server CPU, against 1726 µs in the 08:09 run, and node:http's 449–475 against 749, while
one process in queue mode went from 4361 to 2507–2566 µs: the ratio rose from 2.5× to 3.0–3.3× with no change to the
code. A put and a take of 1 MiB through the blob connections, alone in a process with 8 in flight, cost 255 µs of CPU
(155 µs over a Unix socket), yet in a queued request each process pays ~1000 µs more for 1 MiB than for 1 KiB: alone,
the same buffer stays in the CPU's caches and nothing else competes for the cores. perf of one process at 1 MiB finds
no single place: the kernel's copies 12%, waking the other processes 9–11%, the rest V8, Bull and ioredis spread
thin; the worker's V8 was still optimizing seconds into the load (13% of its samples in the optimizing compiler).
Reaching Redis over its Unix socket (the rows above) lowered Redis's CPU per request by 12% and left the servers'
where it was. Two web and two worker processes on two cores pay more per request in either mode: in the 10:14 run,
inline mode run as runserver with two processes cost 164 µs per 1 KiB request and 1055 µs per 1 MiB request, against
one process's 154 and 840; against that row the runserver layout stood at 3.87× (1 KiB) and 3.78× (1 MiB). Then
one process (UFOP_ROLE=all) began to hand the bytes of the jobs its own worker runs over in memory (LocalHandoff:
the input is stored for any worker but not read back, the output neither stored nor read): between the runs of
10:14 and 10:57 UTC its 1 MiB request went from 2507 to 2311 µs of server CPU and from 1315 to 416 µs of Redis's.

The same code on another machine of this kind, the same day (11:49 UTC, an Intel Xeon under KVM where the runs above
had an AMD EPYC; load average 1.1–3.8), 5 rounds: every server written in JavaScript cost more per request at 1 KiB and
16 connections (plain Express 193 µs against 82, inline mode 381 against 153, node:http 29 against 15), and queue mode
answered 939 req/s in one process, 1432 in one web and one worker, 887 as runserver + runworker (6.4×, 9.7× and 6.0×
the predecessor, against 15.8×, 21.2× and 15.2×), with a p50 at one connection of 1.8, 2.3 and 3.0 ms (0.7, 0.9 and
1.1). The CPU ratios held at 1 KiB (3.17×, 2.69×, 4.98×; 3.23× against inline as runserver) and fell at 1 MiB (2.00×,
2.50×, 2.71×), inline's own 1 MiB request costing 1998 µs there. On that machine a queue process reached its steady
cost only after 12–15 s of load: one web and one worker process, 1 KiB, 16 connections, eight 3 s measurements in a
row from a fresh start, 1363, 1094, 1121, 818, 688, 826, 909 and 845 µs per request.

Then Bull's connections stopped using ioredis's auto-pipelining: the commands of one turn of the event loop leave in
one writev (\`src/queue/tick-writes.ts\`), with no \`Pipeline\` object per batch (33 µs of CPU each with Bull's 26
scripts) and no batch held behind the replies of the one before. Side by side on the AMD EPYC machine of 2026-11-28
14:20 UTC (the build of commit 21271e9 against this one, 1 KiB, 16 connections, 3 s measurements in interleaved
rounds): one web and one worker process 980–1083 → 811–887 µs of server CPU per request, one process 786–1042 →
587–737, runserver + runworker 1081–1675 → 901–1274; at one connection, one web and one worker 1936–2392 → 1366–1606
µs. The first run with it was at 15:01 UTC on that machine, which was slower than the one of 10:57
(inline mode 362 µs per 1 KiB request against 153, and 2489 per 1 MiB request against 832): a dearer inline request
lowers the 1 KiB ratios and raises the 1 MiB ones of the layouts whose bytes go through Redis.

The run that ended at 16:53 UTC, on another AMD EPYC machine faster than that of 15:01 (inline mode 340 µs per 1 KiB
request, 1346 per 1 MiB request), was the first in which every server ran 10 s of load at each
body size before the first round (\`BENCH_WARMUP\`). A process just started is not yet what it will be: on this
machine runserver + runworker, 1 KiB, 16 connections, ten 3 s measurements in a row from a fresh start, cost 1805,
955, 755, 769, 799, 684, 705, 761, 680 and 636 µs of server CPU per request. In the run before it (16:27 UTC, same
machine, same code, no such warm-up) that layout's five rounds at 1 KiB and 16 connections answered 1274, 1403, 1284,
1774 and 1573 req/s (1311 falling to 888 µs per request): a median of 9.5× the predecessor, against 10.2× here. The
warm-up does not remove a second effect: after a quiet spell, a layout with two worker processes pays more for its
first seconds of load. Measured with 100 s of idling before 3 s of load (1 KiB, 16 connections, CPU per request
then, and in the two measurements after it): runserver + runworker 1303 µs (then 796, 790), one web and two worker
processes started by hand 1169 (732, 791), one web and one worker process 650 (548, 536), runserver + runworker with
one process each 607 (498, 607). Both kinds of process pay it (the web processes 461/437 µs in the first measurement,
then 268/259; the workers 222/199, then 141/136). The cause, traced with \`--trace-gc --trace-deopt\`: while a process idles,
V8's memory reducer runs full collections to shrink its heap (3 in the web process, 1 in a worker, in 100 s), and in
them optimized code whose weakly held objects were collected is marked for deoptimization ("reason: weak objects":
128 functions in the web process, up to 37 in a worker); the first seconds of load compile them again (180, 52 and
11 functions optimized in the first 3 s, 5–16 in a steady 3 s). With \`--no-memory-reducer\` the same test made no
collection and no deoptimization while idle, and its first measurement cost 862 µs per request against 903–917
after it. The price: an idle process keeps its heap. After load with 1 MiB bodies, the web and two worker processes
held 197/130/144 MiB of RSS through 100 s of idling, where the memory reducer took them from 200/144/144 to
151/108/121; so the framework keeps V8's default, which suits instances sized to 1 GiB. \`--no-flush-bytecode\` and a
larger young generation (\`--min-semi-space-size=16\`) left the effect in place. In the run of 16:53 the runserver +
runworker layout's first round, after its 20 s of warm-up and about two minutes of idling while the others warmed up, cost
1632 µs per request, its other rounds 848–1379.

The run of 2026-11-28 19:17 UTC was the second of two on the machine of that evening (an AMD EPYC; inline
mode 262 µs per 1 KiB request and 1226 per 1 MiB request; the run of 18:58 UTC, the same code, 264 and 1175). At 1 MiB,
where the bytes go from one process to another through Redis, one web and one worker process cost 2.59× inline over
TCP and 2.66× over a Unix socket (2.81× and 2.97× at 18:58, 2.91× and 3.30× at 16:53); one process 1.90× and 2.05×
(2.06× and 2.12×, 2.22× and 2.44×). Two web and two worker processes (runserver + runworker) miss the 1 MiB target:
3.65× one inline process (3.54× at 18:58, 3.94× at 16:53) and 3.19× inline run as runserver (2.98×, 2.93×).

A later run of the same code that day (22:12 UTC, on a busier machine: inline mode 326 µs per 1 KiB request and 1433
per 1 MiB request; Redis's own CPU per 1 MiB request, the same work in every round, went from 2089 to 3576 µs across
the rounds of the runserver + runworker layout) missed the same cell by more, runserver + runworker at 3.94× one
inline process at 1 MiB (3.59× against inline run as runserver; its five rounds 4381–7212 µs per request, inline's
1240–2120), and this time also one web and one worker over a Unix socket (3.28×; over TCP 2.76×, one process 2.04× and
2.50×); it met every other target. Probes of only inline mode and that layout side by side on the same machine before
it (1 MiB, 16 connections, 3 s measurements after 8–10 s of warm-up, interleaved rounds) put the layout at 3.44×,
3.34×, 2.57× and 2.74× of inline (medians of 2, 4, 6 and 8 rounds; 2.62–3.32× round by round in the last): measured
alone beside inline mode, the layout came within 3× in two of four probes; in the four bench runs, with all nine
servers up, it never did (3.54–3.94×).

Then \`runserver\` and \`runworker\` began to start their processes with malloc settings of the framework's
(\`GLIBC_TUNABLES\`, the README's "Processes" paragraph). With glibc's defaults, the buffers of a body's size that V8
frees in batches went back to the kernel and were faulted in again page by page: a queue worker took 3.7–48.5 page
faults per 1 MiB job (median 15 in 11 runs), 0.3–3.4 with the settings, and perf put 10% of such a worker's CPU in page
faults on the machine of 2026-11-29, a virtual machine where a fault is dear. Side by side on that machine (1 MiB, 16
connections, 3 s measurements in 6 interleaved rounds, medians): runserver + runworker 6146 µs of server CPU per
request with the settings against 7969 with glibc's defaults (\`GLIBC_TUNABLES=''\`), lower in all 6 rounds; inline
mode as runserver 1924 against 2304; at 1 KiB no difference (1007 against 1025 µs; inline as runserver 300 against
308). The layouts the bench starts by hand (one process; one web and one worker) run \`node\` directly and keep
glibc's defaults, as a process started with \`npm start\` does. The run with the change (ended 03:12 UTC, on the
slowest machine of these runs: node:http 43 µs per 1 KiB request against 21 at 19:17, inline mode 401 against 262, and
2288 per 1 MiB request against 1226) met the targets in fewer cells. At 1 MiB, runserver + runworker cost 3.12× one
inline process (2.54× inline run as runserver), one web and one worker started by hand 3.59× (3.07× over the Unix
socket), one process 2.12×: the order of the first two is now the reverse of the 19:17 run's (3.65× and 2.59×). At 1
KiB and 16 connections runserver + runworker answered 779 req/s (5.3× the predecessor) at 2040 µs per request (5.09×
inline), its first four rounds at 1882–2450 µs and its fifth at 979, as after a quiet spell (above), while the other
layouts met both targets (10.1–10.8× the predecessor, 1.68–2.12× inline); the p50 at one connection was 1.4 ms in one
process and 2.3–2.4 ms with web and worker apart.

The table above is from the run of 2026-11-30 00:10 UTC (node:http 23 µs per 1 KiB request at 16 connections, plain
Express 134, inline mode 267, and 1148 per 1 MiB request), and the second with two changes. A process reads a handoff
file straight into the buffer it fills, not through a 64 KiB buffer and copied: alone, 1 MiB read 1000 times in 6
interleaved rounds cost 178 → 102 µs of CPU per read into the web side's reused buffers and 244 → 178 into new ones
(a worker's input), about 140 µs less per 1 MiB request of a layout with web and worker apart. And each cell is the
median of 5 rounds instead of 3, because the runserver + runworker cell at 1 MiB had moved between 2.88× and 3.65× from
one run of 3 rounds to the next, on unchanged code. Every layout met every target: throughput 14.7–21.0× the
predecessor, 1 KiB CPU 1.70–1.84× (runserver + runworker 2.46×), 1 MiB CPU 1.93–2.35×, p50 0.7–1.0 ms at one
connection. Runserver + runworker cost 3227 µs per 1 MiB request, 2.81× one inline process and 2.49× inline run as
runserver; round by round (3365, 3227, 2936, 3280 and 3185 µs against inline's 1154, 1148, 1134, 1201 and 1109),
2.59–2.92×. The run just before it on the same code and machine (23:53 UTC; inline mode 253 and 1130 µs) also met
every target: throughput 14.9–21.5×, 1 KiB CPU 1.74–1.89× (runserver + runworker 2.50×), 1 MiB CPU 1.77–2.51×,
runserver + runworker 3246 µs at 1 MiB, 2.87×, but 2.39–3.35× round by round (3719, 3122, 3626, 3246 and 2924 against
1223, 1097, 1082, 1130 and 1225), two of its rounds above 3×. The read accounts for about 140 of the 740–760 µs
between these runs and that of 21:18 (3986 µs, 3.43×); the rest is within that cell's spread from run to run. The
cell is met, with less room than the others: 1 MiB through two web and two worker processes on two cores costs about
2.8× inline, and a round after a quiet spell (above) can still cost more than 3×.

The run of 2026-11-29 21:18 UTC was on a slower machine than that of 20:14 (node:http 22 µs per
1 KiB request at 16 connections, plain Express 147, inline mode 277, and 1163 per 1 MiB request), the first with the
health check's write among the queue's keys (no request of the bench calls /health). Every layout met the throughput
target (11.1–17.1× the predecessor), the p50 target (0.8–1.6 ms at one connection) and the 1 KiB CPU target
(1.69–2.31×; runserver + runworker 3.01×), and the four layouts of one or two processes the 1 MiB one (1.78–2.77×).
Runserver + runworker missed it: 3986 µs per 1 MiB request (rounds 3986, 3247 and 4037), 3.43× one inline process and
2.75× inline run as runserver; of the four latest runs, on two machines, it missed this cell in three (3.65×, 3.56×,
3.43×; 2.88× at 20:14). Measured right after the run beside only inline mode and one web and one worker process (1 MiB,
16 connections, after 10 s of load at each size, 3 s measurements in 4 interleaved rounds, medians), the layout cost
2.36× inline (3038 against 1288 µs), and 2.54× when each measurement followed 3 s of 1 KiB load (2862 against 1129;
one web and one worker 2.32×). When each measurement followed 3 s of 1 KiB load and then 30 s of idling, as a cell of
the bench follows the other servers' cells, it cost 2.69× (3734 against 1389; one web and one worker 2.92×), and with
3 s more of 1 MiB load between the idling and the measurement still 3.24× (3558 against 1099; one web and one worker
2.76×): after idling the layout pays more for longer than the bench's 1 s of warm-up. Traced in one web and one worker
process (\`--trace-opt --trace-deopt\`): during 30 s of idling V8's memory reducer marked 139 functions of the web
process for deoptimization ("weak objects": maps and other objects their optimized code refers to had died with the
last requests), from Node's HTTP server and streams to ioredis, Bull and the framework's controller, and the
following 2-s measurements compiled 284, 86 and 16 functions again; the worker's memory reducer deoptimized nothing
in those 30 s. Started with \`node --no-memory-reducer\`, one web and one worker cost 3063 against 3351 µs
and runserver + runworker 3373 against 3883 after such idling (4 interleaved rounds each); V8's
\`--gc-memory-reducer-start-delay-ms\` (8 s by default, and settable at run time, unlike \`--memory-reducer\`) only
makes the memory reducer check less often, and a check that finds the process idle still deoptimizes. The framework
keeps V8's default (after load with 1 MiB bodies, an idle web process and two workers gave back 49, 36 and 23 MiB this way: the run of 2026-11-28 16:53 UTC, below).

The run of 2026-11-29 20:14 UTC, on the machine of 19:37 (node:http 15 µs per 1 KiB request
at 16 connections, plain Express 86, inline mode 145, and 846 per 1 MiB request), the first in which a process takes
back the handoff files it released itself before it lists the folder (the README's queue section). Every layout but
runserver + runworker met every target: throughput 22.1–29.9× the predecessor, 1 KiB CPU 2.15–2.30×, 1 MiB CPU
1.81–2.40×, p50 0.5–0.7 ms at one connection. Runserver + runworker met the 1 MiB target this time (2438 µs per
request, 2.88× one inline process and 2.84× inline run as runserver, against 3.56× at 19:37), the throughput target
(17.0×) and the p50 target (0.9 ms), and missed the 1 KiB one: 603 µs per request, 4.17× inline (its rounds 609, 475
and 603 µs; at 19:37 425, 482 and 432, 2.94×). Nothing on its 1 KiB path changed between the two runs (inputs of 32
KiB or less travel inside the job, not through the folder); it is the cell that idling moves most: each cell is
measured after 1 s of load following the half minute to two minutes in which the other servers are measured, and
after a quiet spell a layout with two worker processes pays more for its first seconds of load (the run of 16:53 UTC
on 2026-11-28, below). In the two runs on this machine, four layouts met every target in both, and runserver +
runworker missed one cell in each, a different one.

The run of 2026-11-29 19:37 UTC was on a machine much faster than those of the runs below
(node:http 18 µs per 1 KiB request at 16 connections, plain Express 83, inline mode 147, and 789 per 1 MiB request),
and the first in which every process keeps up to 64 MiB of freed memory at the top of its heap (the README's "Processes"
paragraph: a trim threshold of 64 MiB, where a process started with node had 16 and runserver's and runworker's 32).
The run of 19:04 UTC, the build before that change on the same machine (node:http 15 µs, inline mode 184 and 819),
met the throughput target in every layout (21.1–28.1× the predecessor), the p50 target (0.5–1.1 ms), the 1 KiB CPU
target (1.79–1.88×; runserver + runworker 2.52×) and the 1 MiB cells of one process (2.10×, 2.17× over the Unix
socket), and missed the other three 1 MiB cells: one web and one worker process 2561 µs per request (3.13×), the same
over the Unix socket 2983 (3.64×), runserver + runworker 2991 (3.65×; 3.25× inline run as runserver). Every server
runs 10 s of 1 KiB load before its 1 MiB warm-up, and after such load a worker's V8 frees dead buffers in batches of
about 32 MiB (one young-generation collection per 32 MiB of new buffers once its young generation has grown), which
went back to the kernel past a 16 MiB trim threshold: side by side after 10 s of 1 KiB load (1 MiB, 16 connections, 4
interleaved rounds of 3 s), one web and one worker process started with node took 180–225 page faults per job in the
worker and cost 2435–2874 µs per request, against 1.4–1.7 faults and 1833–2104 µs with the change (inline 691–823 in
those rounds); runserver + runworker 2419–2622 against 2181–2620. The run of 19:37 met every target but one: throughput
22.0–30.1× the predecessor, 1 KiB CPU 2.09–2.23× (runserver + runworker 2.94×, 2.82× inline run as runserver), 1 MiB
CPU 1.99× and 2.04× in one process, 2.53× and 2.51× in one web and one worker process, p50 0.5–0.8 ms at one
connection. Runserver + runworker at 1 MiB missed: 2812 µs per request (2507–2830 over the rounds), 3.56× one inline
process and 3.13× inline run as runserver (898 µs). Measured right after the run beside only inline mode and one web
and one worker process (1 MiB, 16 connections, after 10 s of 1 KiB load, 4 interleaved rounds of 3 s), the layout
cost 2064 µs per request (1901–2205), 2.93× inline (704) where one web and one worker cost 1739 (2.47×); with 60 s
of idling before each round, 2297 (3.03× inline's 757; one web and one worker 1823, 2.41×). Its two web processes
cost about what one web process does per request (1779 against 1487–1698 µs, counted over all requests), its two
workers a third more than one (918 against 682–731): each wakes for fewer jobs at a time. perf of one of its workers
put 5.7% of its samples in the handoff folder's renames, about half of that in renames that failed because another
process had taken the free file first, each throwing an exception with a stack trace (after this run a process takes back the files it released itself
first: the README's queue section; side by side, runserver + runworker 2335 → 2277 µs per 1 MiB request, one web and
one worker 1865 → 1711). On a
machine this fast inline mode's own 1 MiB request is cheap, so what queue mode adds weighs more: the same layout met
the 1 MiB target on the slower machines below (2.21–2.75× one inline process at 09:48, 12:08, 14:33 and 16:54).

The run of 2026-11-29 16:54 UTC was the first in which Bull reads a job that has never failed
without throwing an exception (the README's queue section; side by side before the run, one process 703 → 673 µs
per 1 KiB request at 16 connections, the layouts with web and worker apart within the noise), on a machine slower
than 26 minutes before (node:http 60 µs per 1 KiB request at 16 connections against 45, inline mode 476 against 422,
and 1872 per 1 MiB request against 1471). It met the 1 KiB CPU cells of the layouts of one or two processes
(1.90–2.27×), the 1 MiB cells of one process (1.76×, 1.85× over the Unix socket), of one web and one worker over the
Unix socket (2.67×) and of runserver + runworker (2.62×; 2.26× inline run as runserver), and the p50 target in every
layout (1.5–2.0 ms). It missed runserver + runworker at 1 KiB (2019 µs, 4.24×; 3.30× inline run as runserver), one
web and one worker process over TCP at 1 MiB (5961 µs, 3.18×), and the throughput target in every layout (5.4–9.1×
the predecessor). The run of 16:28 UTC, the build before that change on the same machine (load average 1.5–2.0), met
every target set as a ratio in every layout (1 KiB 1.63–2.16×, runserver + runworker 3.42× at 1441 µs per request;
1 MiB 1.71–2.97×), the p50 target in every layout (1.3–1.7 ms), and the throughput target in the two layouts of one
web and one worker process (10.6× and 10.3×; the others 7.8–9.9×). At 1 KiB and 16 connections a queue process is
busy all the time: one process that is web and worker answered 1086 req/s at 948 µs of CPU per request, one request
per its CPU per request, so 10× the predecessor (1470 req/s) asks it for at most 680 µs, 1.43× what inline mode cost
in this run.

The run of 2026-11-29 14:33 UTC (node:http 44 µs per 1 KiB request at 16 connections,
inline mode 402, and 2614 per 1 MiB request; load average 2.1 at the start, 4.7 at the end), the first in which a
process started with \`node\` raises glibc's malloc thresholds itself as it boots (the README's "Processes" paragraph),
so the layouts the bench starts by hand have them too. A run on the same machine 45 minutes before it (13:48 UTC,
without that change; inline mode 323 µs per 1 KiB request, 1450 per 1 MiB) had one web and one worker process at
9329 µs per 1 MiB request (6.43× inline; 7946–9892 over its rounds), against 3561–4676 measured alone right after;
in such spells its worker took 210–220 page faults per job. Side by side after the change (that layout, 1 MiB, 16
connections, 4 interleaved rounds, with glibc's defaults as the control): 2–4 faults per job and 3126–3842 µs per
request, against 7–188 (71–188 in 7 of 8 rounds) and 3736–7583. In this run that layout still cost 7500–8664 µs per
1 MiB request (3.16× inline; 4.17× over the Unix socket), after a warm-up at 3526: with the other servers up, its
worker has spells of 110–164 page faults per job that end by themselves within seconds (4 s slices of 1 MiB load:
110.6 and 163.9 faults per job in the first two, then 22.4, 0.8, 0.6 and 0.5, its CPU per job falling from
4695–5811 to 1452–1516 µs). perf puts them in the copy of each input, read from the handoff folder, into a new
buffer; the thresholds do not prevent them. The other 1 MiB cells met their target (one process 1.44×, 1.42× over
the Unix socket; runserver + runworker 2.62× one inline process, 2.55× inline run as runserver), as did the 1 KiB
CPU cells of the layouts of one or two processes (1.78–2.65×). Runserver + runworker at 1 KiB did not (2637 µs,
6.57×). The throughput target was met by one layout of five (4.0–10.1× the predecessor), the p50 target by three
(1.2–2.4 ms).

The run of 2026-11-29 12:08 UTC was on the slowest machine of these runs: node:http 77 µs per
1 KiB request at 16 connections (21 at 19:17 the day before, 49 at 09:48), plain Express 386 (135, 259), inline mode
573 (262, 559) and 3139 per 1 MiB request (1226, 2123). It is the first run in which one process (UFOP_ROLE=all)
keeps an input in memory only while its own worker is the only live one (the README's queue section), where it was
written to the handoff folder (or stored in Redis) for any worker: side by side before the run (one process, 1 MiB
echoes, 4 interleaved rounds), 5818–6899 → 4843–5426 µs of server CPU per request and 170–196 → 224–248 req/s at 16
connections, 7016–8470 → 4948–6475 µs and a p50 of 5.8–6.7 → 3.5–4.9 ms at one. Every 1 MiB cell meets its target
(one process 1.94× inline, one web and one worker 2.83×, runserver + runworker 2.75× one inline process and 2.24×
inline run as runserver), as do the 1 KiB CPU cells of the layouts with one or two processes (2.83–3.53×). The
runserver + runworker layout at 1 KiB and 16 connections does not: 3624 µs per request (3526–3984 over the rounds),
6.32× inline, against 1417 (2.54×) at 09:48. That layout alone beside the same layout built from the commit before
this session's changes (35acd72), right after the run (1 KiB, 16 connections, 3 s measurements in 4 interleaved
rounds), cost 1746–2143 µs per request in either build (784–936 req/s): the code is not what changed. With all nine
servers up, the ones not being measured still wake on their timers (each worker's blocking wait ends every second,
each process renews its slots and checks for stalled jobs), and on this machine a wake-up is dear: measured alone
(1 KiB, interleaved rounds), a queued request at one connection cost Redis 676–775 µs of CPU, the web process
1634–1918 and the worker 1584–1783, against 211–273, 778–1030 and 531–681 at 16 connections, where one pass of each
event loop serves several requests: the difference is what the passes themselves cost. The targets set in absolute figures are missed by more than at 09:48: 3.2–5.2× the predecessor
at 1 KiB and 16 connections (inline mode itself answered 1799 req/s), and a p50 of 2.4–4.3 ms at one connection.

Measured on this machine and not kept: a job slot that found the queue empty when it finished a job went straight
to Bull's blocking wait instead of running Bull's moveToActive script once more on the same empty list (a round
trip, a script and a publish saved per job when jobs come one at a time). At one connection it took 10% off a
worker's CPU; at 16 it cost throughput in each of 5 interleaved rounds (721–973 against 890–1100 req/s, one web and
one worker): under load the list is often empty for an instant when a job finishes, and Bull's second look often
finds the job that came meanwhile, where the blocking wait needs a BRPOPLPUSH and a moveToActive, queued behind the
process's other slots on its one blocking connection. Another measurement, for what it would take: the request
context (\`AsyncLocalStorage\`, which gives every log line of a request its id, the handler's own included) makes
Node 20 run a hook for every promise a process creates; with it replaced by a plain variable, one web and one worker
process cost 791–906 and 528–569 µs per 1 KiB request at 16 connections, against 973–1000 and 613–674 (4
interleaved rounds): 12–14% of their CPU. Node 20 has no cheaper way to carry a request's context, so it stays.

The run of 2026-11-29 09:48 UTC was the first with the handoff folder (the README's queue
section: between a web process and a worker of one machine, inputs and outputs of 32 KiB to 2 MiB go through files in
/dev/shm, and Redis carries only the job), on the busiest machine of these runs: node:http 49 µs per 1 KiB request
against 21 at 19:17, inline mode 559 against 262, and 2123 per 1 MiB request against 1226. Every target set as a
ratio to inline mode is met, the 1 MiB cell of runserver + runworker included: 2.21× one inline process and 2.25×
inline run as runserver (3.65× and 3.19× at 19:17); one web and one worker 2.26× (2.66× over the Unix socket, which
now carries only the jobs), one process 1.94×. Redis's CPU per 1 MiB request at 16 connections, with web and worker
apart, was 327–386 µs against 1597–1855 at 19:17. The targets set in absolute figures follow the machine, and this one missed them: 7.8–9.4×
the predecessor's recorded 147 req/s at 1 KiB and 16 connections (inline mode itself answered 1915 req/s, against
4020 at 19:17), and a p50 of 2.6 ms at one connection for runserver + runworker (1.7–1.9 ms for the other layouts).
A run 25 minutes before it, with the same design but two failing \`unlink\` calls per request that the last change
removed, on a machine less busy (inline mode 394 µs per 1 KiB request, 1461 per 1 MiB), met every 1 MiB cell too
(runserver + runworker 2.95× one inline process and 2.56× inline run as runserver; one web and one worker 2.97×, one
process 2.49×) and missed only the throughput of the one-process layouts (9.7× and 9.9× the predecessor; the others
10.7–13.4×).

What bounds those ratios. On the machine of 16:53 a send and a receive of 1 MiB between two Node sockets (in one
process, 3000 times) cost 679 µs of CPU over loopback TCP, 531 of them in the kernel, and 329 over a Unix socket;
writing 1 MiB into a file in /dev/shm and reading it back cost 636 µs (303 into a file whose pages exist already,
which would need a shared allocator). A queued request makes two such pairs beyond what inline mode does (the web
stores the input and reads the output, the worker reads the input and stores the output): per process, 1 MiB against
1 KiB (one web and one worker, TCP, 16 connections), the web 1808–2092 against 327–430 µs, the worker 948–1137
against 152–187, while inline cost 1114–1267 against 265–325; the web pays about inline's bytes plus one pair, the
worker one pair plus the job. Over loopback TCP that puts one web and one worker near 2.5–3× of inline; Redis's own
CPU (about 1800 µs per request, 1 MiB in and out twice) shares the same two cores. Two web and two worker processes
then pay for having twice the processes on two cores, in each tier. Side by side on the machine of 19:17 (1 MiB, 16
connections, 3 s measurements in 4 interleaved rounds, medians): runserver + runworker with one process each cost
what one web and one worker process started by hand cost (3225 and 3253 µs per request; inline 1515 in these rounds),
a second web process added ~500 µs (runserver 2 + runworker 1: 3770), a second worker ~450 (runserver 1 + runworker
2: 3720), both ~900 (4156, 1.28×). The work of a request is the same; split over more processes than cores, each
process wakes for fewer requests at a time and their buffers compete for the same caches. Inline mode pays that for
its second process too (1401 against 1226 µs at 19:17, 1398 against 1175 at 18:58: 1.14× and 1.19×), queue mode
pays it in both tiers: with one web and one worker at 2.6–2.8× of inline, its 2 + 2 layout lands at 2.9–3.2× of
inline run as runserver. A MONITOR of one request through that layout shows one web and one worker process's
commands and nothing of the other two (each web process listens on its own reply channel; a job wakes one worker),
so no work is repeated across processes; on this machine, a 2-core instance that serves 1 MiB bodies in queue mode
spends less CPU per request as one web and one worker process than as two of each.

Why the Unix socket rows save the servers nothing at 1 MiB, measured on 2026-11-29 (one web and one worker process,
1 MiB, 16 connections, 3 s measurements in 6 interleaved rounds, medians): a TCP connection on loopback grows its
buffers to what it carries, but a Unix socket keeps the send buffer it was made with, \`net.core.wmem_default\` (212992
bytes on this machine), on Redis's side and on ours, so each 1 MiB value crossed in pieces, each waking both ends:
19.4 context switches per request against 5.4 over TCP, and 4007 µs of server CPU against 3853 (inline 1819 in those
rounds). With the sysctl at 4194304 bytes when Redis's socket and the processes' were made: 5.4 context switches and
3555 µs, 8% below TCP and below it in 5 of the 6 rounds (Redis 1715 µs against 2047); an earlier probe of 4 rounds,
12% below; runserver + runworker (two of each) in 6 rounds, 4667 against 5041 µs, 7% below TCP and below it in 5 of 6.
\`qiniu-ufop doctor\` gives that sysctl when Redis is on a Unix socket and the value is below 4 MiB. The bench leaves
the machine's settings alone: its Unix socket rows are of the stock value.

${throughputNote(find('qiniu-ufop inline', { size: '1 KiB', connections: 16 }))}

${lines.join('\n')}`;
}

/**
 * The throughput target compares with a figure recorded once, while queue mode's throughput follows the machine: what
 * 10× the predecessor asks of this run, as a share of what inline mode answered in it.
 */
function throughputNote(inline) {
  const needed = 10 * PREDECESSOR.rps;
  return `On this run's machine inline mode answered ${inline.rps.toFixed(0)} req/s (1 KiB, 16 connections): 10× the predecessor
(${needed} req/s) asks queue mode for ${((100 * needed) / inline.rps).toFixed(0)}% of inline's throughput, while it does the work of inline mode plus
a job's round trips through Redis. The same design met the target on a faster machine (2444–3510 req/s, with inline
at 7071) and missed it on a slower one (712–975 req/s, with inline at 1556): the figure follows the machine.`;
}
