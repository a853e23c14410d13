#!/usr/bin/env node
// `npm run bench`: one run, on this machine, of every server × body size × connection count, with autocannon.
// Prints requests/s and p50/p99 latency side by side, each as a ratio to plain Express, and writes the table with
// the machine it ran on to docs/BENCHMARKS.md. Bounded: BENCH_SECONDS (default 3) per cell after a 1 s warm-up.
import Redis from 'ioredis';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { cpus, totalmem, availableParallelism, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { measure } from './load.mjs';
import { freePort, killOnExit, ROOT, start, stop } from './processes.mjs';
import { thumbnailRows, thumbnailSection } from './thumb.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 3);
const BODIES = [
  ['1 KiB', randomBytes(1024)],
  ['1 MiB', randomBytes(1024 * 1024)],
];
const CONNECTIONS = [1, 16];
// The framework runs as production does: the build output (`npm run bench` builds first).

const FRAMEWORK = ['dist/sample/main.js'];

function answers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.on('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.on('error', () => resolve(false));
  });
}

/** REDIS_URL (default redis://127.0.0.1:6379) when it answers, else a redis-server of our own on a free port. */
async function redis() {
  const url = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  if (await answers(Number(url.port || 6379), url.hostname)) return { url: url.toString(), version: redisVersion(url), stop() {} };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  child.on('error', () => {
    console.error('No Redis answers at REDIS_URL and redis-server is not installed (apt-get install -y redis-server).');
    process.exit(1);
  });
  killOnExit(child);
  for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  const own = new URL(`redis://127.0.0.1:${port}`);
  return { url: own.toString(), version: redisVersion(own), stop: () => child.kill('SIGKILL') };
}

/** Leaves the Redis as it was: the queue's id counter and markers go too. */
async function deleteKeys(url, prefix) {
  const client = new Redis(url);
  const stream = client.scanStream({ match: `${prefix}:*`, count: 1000 });
  for await (const keys of stream) if (keys.length) await client.del(...keys);
  client.disconnect();
}

function redisVersion(url) {
  const out = spawnSync('redis-cli', ['-u', url.toString(), 'INFO', 'server'], { encoding: 'utf8' }).stdout ?? '';
  return /redis_version:(\S+)/.exec(out)?.[1] ?? 'unknown';
}

const servers = [
  { name: 'node:http echo', start: async () => [await start(['bench/servers/raw-http.mjs'])] },
  { name: 'plain Express echo', start: async () => [await start(['bench/servers/express.mjs'])] },
  { name: 'qiniu-ufop inline', start: async () => [await start(FRAMEWORK, { UFOP_MODE: 'inline', REDIS_URL: '' })] },
  { name: 'qiniu-ufop queue, 1 worker', workers: 1 },
  { name: 'qiniu-ufop queue, 2 workers', workers: 2 },
];

async function main() {
  const store = await redis();
  const rows = [];
  for (const server of servers) {
    let processes;
    if (server.workers) {
      const env = {
        REDIS_URL: store.url,
        UFOP_MODE: 'queue',
        UFOP_QUEUE_PREFIX: (server.prefix = `ufop-bench-${process.pid}-${server.workers}`),
      };
      const workers = await Promise.all(
        Array.from({ length: server.workers }, () => start(FRAMEWORK, { ...env, UFOP_ROLE: 'worker' }, /worker started/)),
      );
      processes = [await start(FRAMEWORK, { ...env, UFOP_ROLE: 'web' }), ...workers];
    } else {
      processes = await server.start();
    }
    for (const [size, body] of BODIES) {
      for (const connections of CONNECTIONS) {
        const pids = processes.map(({ child }) => child.pid);
        const url = `http://127.0.0.1:${processes[0].port}/handler?cmd=bench/echo`;
        const cell = await measure({ url, pids, body, connections, seconds: SECONDS });
        rows.push({ server: server.name, size, connections, ...cell });
        console.error(`${server.name} · ${size} · ${connections} conn: ${cell.rps.toFixed(0)} req/s, p50 ${cell.p50} ms, p99 ${cell.p99} ms, ${cell.cpu.toFixed(0)} µs CPU/req${cell.bad ? `, ${cell.bad} errors` : ''}`);
      }
    }
    await Promise.all(processes.map(({ child }) => stop(child)));
    if (server.prefix) await deleteKeys(store.url, server.prefix);
  }
  store.stop();
  const thumbnails = thumbnailSection(await thumbnailRows({ seconds: SECONDS }));

  const table = render(rows);
  const machine = describeMachine(store.version);
  console.log(`\n${machine}\n\n${table}\n\n${thumbnails}`);
  const path = join(ROOT, 'docs', 'BENCHMARKS.md');
  writeFileSync(path, document(machine, table, thumbnails) + keptSections(path));
  console.error('\nwritten to docs/BENCHMARKS.md');
}

function render(rows) {
  const express = (row) => rows.find((r) => r.server === 'plain Express echo' && r.size === row.size && r.connections === row.connections);
  const ratio = (value, base) => (base ? `${(value / base).toFixed(2)}×` : '–');
  const lines = [
    '| server | body | conns | req/s | × Express | p50 ms | × Express | p99 ms | × Express | server CPU µs/req | × Express | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const base = express(row);
    lines.push(
      `| ${row.server} | ${row.size} | ${row.connections} | ${row.rps.toFixed(0)} | ${ratio(row.rps, base.rps)} | ${row.p50} | ${ratio(row.p50, base.p50)} | ${row.p99} | ${ratio(row.p99, base.p99)} | ${row.cpu.toFixed(0)} | ${ratio(row.cpu, base.cpu)} | ${row.bad} |`,
    );
  }
  return lines.join('\n');
}

const LOAD_AT_START = loadavg()[0];

function describeMachine(redisVersion) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `- Machine: ${availableParallelism()} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}`,
    `- Node ${process.version}, Redis ${redisVersion} on loopback; autocannon runs on the same machine (it competes for the CPUs)`,
    `- ${SECONDS} s per cell after a 1 s warm-up; echo of a random body; UFOP_CONCURRENCY left at its default (2 per CPU)`,
    `- Run on ${new Date().toISOString().slice(0, 10)}; 1-minute load average ${LOAD_AT_START.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (other work on the machine skews the numbers)`,
  ].join('\n');
}

/** The sections other scripts maintain (bench/burst.mjs: "Burst memory"), kept as they are when this file is rewritten. */
function keptSections(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  const start = text.indexOf('\n## Burst memory');
  if (start < 0) return '';
  const next = text.indexOf('\n## ', start + 1);
  return `\n${text.slice(start + 1, next < 0 ? undefined : next).trimEnd()}\n`;
}

function document(machine, table, thumbnails) {
  return `# Benchmarks

Produced by \`npm run bench\` (bench/run.mjs), which rewrites this file. Every server answers \`POST /handler\` by
echoing the body: the framework runs the sample's \`echo\` handler (inline, or through Bull with one or two worker
processes beside one web process); the baselines are a bare \`node:http\` server and a hand-written Express echo.
Ratios are to plain Express (for latency and CPU, lower is better). autocannon shares the machine's two cores
with the servers, so req/s and latency move with whatever else runs; "server CPU µs/req" (user + system time of
every process of that server, web and workers, divided by the requests answered) is the steadier measure of what
a request costs the server.

${machine}

${table}

Targets (design goals, not tests): inline at least 0.9× Express throughput; queue p50 under 5 ms at 1 connection
with 1 KiB; queue throughput with 1 MiB bodies at least half of inline. For reference, the Python package this
replaces (Tornado + Celery polling every 100 ms) answered a 1 KiB echo in 104 ms at the median and handled
147 requests/s with 16 connections on this machine.

${thumbnails}`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
