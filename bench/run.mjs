#!/usr/bin/env node
// `npm run bench`: one run, on this machine, of every server × body size × connection count, with a load client of
// our own (bench/http-load.mjs). Prints requests/s, p50/p99 latency and server CPU per request side by side, as
// ratios to plain Express and to inline mode, checks the queue-mode targets, and writes the tables with the machine
// it ran on to docs/BENCHMARKS.md. Every server is up for the whole run; BENCH_ROUNDS (default 5) rounds visit every
// cell, each round in a rotated order of servers, for BENCH_SECONDS (default 2) after a short warm-up; a cell shows
// the median of its rounds, so load from elsewhere on the machine hits every server alike. Before the first round
// every server runs BENCH_WARMUP s (default 10) of load at each body size, so that the rounds measure its steady cost.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, availableParallelism, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { measureFast } from './http-load.mjs';
import { QUEUE, SERVERS as servers } from './layouts.mjs';
import { cpuMicros, family, ROOT, stop } from './processes.mjs';
import { deleteKeys, redis } from './redis-server.mjs';
import { PREDECESSOR, targetsSection } from './queue-targets.mjs';
import { thumbnailRows, thumbnailSection } from './thumb.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
// Load given to every server at each body size before the first round. A process just started is not yet what it
// will be: V8 compiles the hot paths as they run, and the processes of runserver + runworker, each with a share
// of the requests, took 6–9 s of load at 16 connections to come near their steady cost (1805 µs of server CPU per
// 1 KiB request in the first 3 s, 955 in the next, 636–799 after). The rounds should measure that steady cost.
const WARMUP = Number(process.env.BENCH_WARMUP || 10);
const BODIES = [
  ['1 KiB', randomBytes(1024)],
  ['1 MiB', randomBytes(1024 * 1024)],
];
const CONNECTIONS = [1, 16];

async function main() {
  const store = await redis();
  // A Redis at REDIS_URL (no redis-server of our own) has no socket this run knows of.
  if (!store.socket) servers.splice(0, servers.length, ...servers.filter((server) => !server.unix));
  const rows = [];
  const load = [loadavg()[0]];
  // Every server is up for the whole run, so that each round can visit them all within seconds.
  for (const server of servers) {
    server.processes = await server.start(store);
    for (const [size] of BODIES)
      for (const connections of CONNECTIONS)
        rows.push({ server: server.name, queue: !!server.queue, size, connections, cells: [] });
  }
  for (const server of servers) {
    for (const [size, body] of BODIES) {
      const cell = await measureFast({
        url: echoUrl(server),
        pids: pidsOf(server),
        body,
        connections: 16,
        seconds: WARMUP,
      });
      console.error(
        `warm-up · ${server.name} · ${size}: ${cell.rps.toFixed(0)} req/s, ${cell.cpu.toFixed(0)} µs CPU/req`,
      );
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [size, body] of BODIES) {
      for (const connections of CONNECTIONS) {
        const order = servers.map((_, i) => servers[(i + round) % servers.length]);
        for (const server of order) {
          const redisBefore = store.pid ? cpuMicros([store.pid]) : 0;
          const cell = await measureFast({
            url: echoUrl(server),
            pids: pidsOf(server),
            body,
            connections,
            seconds: SECONDS,
          });
          cell.redisCpu =
            server.queue && store.pid ? (cpuMicros([store.pid]) - redisBefore) / Math.max(1, cell.total) : undefined;
          rows
            .find((r) => r.server === server.name && r.size === size && r.connections === connections)
            .cells.push(cell);
          console.error(
            `round ${round + 1} · ${server.name} · ${size} · ${connections} conn: ${cell.rps.toFixed(0)} req/s, p50 ${cell.p50} ms, p99 ${cell.p99} ms, ${cell.cpu.toFixed(0)} µs CPU/req${cell.redisCpu !== undefined ? ` (+ Redis ${cell.redisCpu.toFixed(0)})` : ''}${cell.bad ? `, ${cell.bad} errors` : ''}`,
          );
        }
      }
    }
  }
  load.push(loadavg()[0]);
  for (const server of servers) {
    await Promise.all(server.processes.map(({ child }) => stop(child)));
    if (server.queue) await deleteKeys(store.url, QUEUE(store, server.queue).UFOP_QUEUE_PREFIX);
  }
  store.stop();
  for (const row of rows) Object.assign(row, medians(row.cells));
  const thumbnails = thumbnailSection(await thumbnailRows({ seconds: 3 }));

  const table = render(rows);
  const targets = targetsSection(rows);
  const machine = describeMachine(store.version, load);
  console.log(`\n${machine}\n\n${table}\n\n${targets}\n\n${thumbnails}`);
  const path = join(ROOT, 'docs', 'BENCHMARKS.md');
  writeFileSync(path, document(machine, table, targets, thumbnails) + keptSections(path));
  console.error('\nwritten to docs/BENCHMARKS.md');
}

/** Every process of a server, the children of runserver and runworker included. */
const pidsOf = (server) => server.processes.flatMap(({ child }) => family(child.pid));
const echoUrl = (server) => `http://127.0.0.1:${server.processes[0].port}/handler?cmd=bench/echo`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A cell's figures: the median of its rounds for each measure; errors of all rounds added up. */
function medians(cells) {
  const of = (key) => median(cells.map((cell) => cell[key]));
  return {
    rps: of('rps'),
    p50: of('p50'),
    p99: of('p99'),
    cpu: of('cpu'),
    redisCpu: cells[0].redisCpu === undefined ? undefined : of('redisCpu'),
    bad: cells.reduce((sum, cell) => sum + cell.bad, 0),
  };
}

function render(rows) {
  const same = (name, row) =>
    rows.find((r) => r.server === name && r.size === row.size && r.connections === row.connections);
  const ratio = (value, base) => (base ? `${(value / base).toFixed(2)}×` : '–');
  const lines = [
    '| server | body | conns | req/s | × Express | p50 ms | p99 ms | server CPU µs/req | × Express | × inline | Redis CPU µs/req | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const express = same('plain Express echo', row);
    const inline = same('qiniu-ufop inline', row);
    const redisCpu = row.redisCpu === undefined ? '–' : row.redisCpu.toFixed(0);
    lines.push(
      `| ${row.server} | ${row.size} | ${row.connections} | ${row.rps.toFixed(0)} | ${ratio(row.rps, express.rps)} | ${row.p50} | ${row.p99} | ${row.cpu.toFixed(0)} | ${ratio(row.cpu, express.cpu)} | ${ratio(row.cpu, inline.cpu)} | ${redisCpu} | ${row.bad} |`,
    );
  }
  lines.push(
    `| ${PREDECESSOR.name} (recorded, not re-run) | 1 KiB | 16 | ${PREDECESSOR.rps} | – | ${PREDECESSOR.p50} | – | – | – | – | – | – |`,
  );
  return lines.join('\n');
}

function describeMachine(redisVersion, [before, after]) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `- Machine: ${availableParallelism()} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}`,
    `- Node ${process.version}, Redis ${redisVersion} on loopback (a redis-server of the run's own); the load client runs on the same machine (it competes for the CPUs)`,
    `- ${WARMUP} s of load at 16 connections for every server at each body size before the first round, then ${ROUNDS} rounds of ${SECONDS} s per cell, each after 1 s of warm-up, medians shown; echo of a random body; UFOP_CONCURRENCY left at its default (2 per CPU, shared by the processes of runserver/runworker)`,
    `- Run on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; 1-minute load average ${before.toFixed(1)} at the start, ${after.toFixed(1)} at the end of the echo table (other work on the machine skews the numbers)`,
  ].join('\n');
}

/** The sections other scripts or people maintain, kept as they are when this file is rewritten. */
const KEPT_SECTIONS = [
  'Byte crossings in queue mode',
  'Burst memory',
  '`process` start-up',
  'Install size of a new project',
];

function keptSections(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  let kept = '';
  for (const title of KEPT_SECTIONS) {
    const start = text.indexOf(`\n## ${title}`);
    if (start < 0) continue;
    const next = text.indexOf('\n## ', start + 1);
    kept += `\n${text.slice(start + 1, next < 0 ? undefined : next).trimEnd()}\n`;
  }
  return kept;
}

function document(machine, table, targets, thumbnails) {
  return `# Benchmarks

Produced by \`npm run bench\` (bench/run.mjs), which rewrites this file. Every server answers \`POST /handler\` by
echoing the body: the framework runs the sample's \`echo\` handler, inline or through Bull: in one process that is
both web and worker (\`UFOP_ROLE=all\`), in one web and one worker process, or in two of each (\`runserver\` and
\`runworker\` on this 2-core machine); inline mode also runs as \`runserver\` with two processes, the shape of that
last layout (more processes than cores cost CPU per request in either mode); two queue layouts are run again with
Redis reached over its Unix socket instead of loopback TCP (\`REDIS_URL=unix:///…\`); the baselines are a bare \`node:http\`
server and a hand-written Express echo.
The client is bench/http-load.mjs: keep-alive connections, one request in flight on each, the request written with
one call. autocannon could not push 1 MiB bodies faster than about 48 requests/s here, even against bare node:http,
so the 1 MiB rows would have measured the client; this client reaches several hundred, so they measure the servers
(req/s, latency and CPU alike). It shares the machine's two cores with the servers, so req/s and latency move with
whatever else runs; "server CPU µs/req" (user + system time of every process of that server, web and workers and
the supervisor of runserver/runworker, from /proc, divided by the requests answered) is the steadier measure of
what a request costs the server. "Redis CPU µs/req" is the same for the run's own redis-server, apart: it is not
in "server CPU". Ratios: to plain Express and to inline mode (for CPU, lower is better).

${machine}

${table}

Older design goals, not tests: inline at least 0.9× Express throughput; queue p50 under 5 ms at 1 connection with
1 KiB; queue throughput with 1 MiB bodies at least half of inline.

${targets}

${thumbnails}`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
