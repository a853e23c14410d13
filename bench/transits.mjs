#!/usr/bin/env node
// `npm run bench:transits`: what bounds queue mode's CPU per request at 1 MiB, measured in one run. A queued request
// moves its body six times where inline mode moves it twice: the web process reads the input from the client, stores
// it in Redis, reads the output back and writes it to the client; the worker reads the input and stores the output.
// Between a web process and a worker of one machine the output goes through a file of the handoff folder instead of
// Redis (the default); with UFOP_HANDOFF_DIR=off all six moves cross a socket. This measures, side by side in
// interleaved rounds (1 KiB and 1 MiB echoes, 16 connections): inline mode, one web and one worker process, and
// runserver + runworker (two of each), each of the two with the handoff folder and without, with the CPU of the web
// and worker tiers apart. The growth from 1 KiB to 1 MiB, divided by the moves, is what one move of 1 MiB costs in
// each tier; with each layout's 1 KiB cost, inline mode's price per move gives the ratio to inline that six socket
// crossings allow. Then, alone in this process, what moving 1 MiB costs on each path there is: through Redis over
// TCP and over its Unix socket (a SET and a GET on the framework's blob connections), through the handoff folder,
// and through new files. BENCH_ROUNDS (default 4), BENCH_SECONDS (default 3), BENCH_WARMUP (default 10); `--write`
// puts the tables in docs/BENCHMARKS.md.
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureFast } from './http-load.mjs';
import { writeDocSection } from './doc-section.mjs';
import { QUEUE, SERVERS } from './layouts.mjs';
import { cpuMicros, family, ROOT, stop } from './processes.mjs';
import { deleteKeys, redis } from './redis-server.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 4);
const SECONDS = Number(process.env.BENCH_SECONDS || 3);
const WARMUP = Number(process.env.BENCH_WARMUP || 10);
const BODIES = [
  ['1 KiB', randomBytes(1024)],
  ['1 MiB', randomBytes(1024 * 1024)],
];
// [name in layouts.mjs, moves of the body in the web tier, in the worker tier, variant]. By default a worker hands
// its output to a web process of the same machine through the handoff folder: one of the web tier's four moves and
// one of the worker's two are then a file's, not a socket's; the variants with UFOP_HANDOFF_DIR=off move all six
// through Redis.
const OFF = (queue) => ({ label: ', UFOP_HANDOFF_DIR=off', queue, env: { UFOP_HANDOFF_DIR: 'off' } });
const LAYOUTS = [
  ['qiniu-ufop inline', 2, 0],
  ['qiniu-ufop queue, 1 web + 1 worker process', 4, 2],
  ['qiniu-ufop queue, 1 web + 1 worker process', 4, 2, OFF('split1-off')],
  ['qiniu-ufop queue, 2 web + 2 worker processes (runserver + runworker)', 4, 2],
  ['qiniu-ufop queue, 2 web + 2 worker processes (runserver + runworker)', 4, 2, OFF('split2-off')],
];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const us = (value) => value.toFixed(0);

/** Server CPU per request in the web and worker tiers (and Redis's, apart), from one measurement of `seconds`. */
async function measureTiers(server, body, store, seconds = SECONDS) {
  const [web, worker] = server.processes.map(({ child }) => family(child.pid));
  const read = () => ({ web: cpuMicros(web), worker: worker ? cpuMicros(worker) : 0, redis: cpuMicros([store.pid]) });
  // measureFast warms up for 1 s before it measures; the tiers are read around both, then scaled to its figure.
  const before = read();
  const url = `http://127.0.0.1:${server.processes[0].port}/handler?cmd=bench/echo`;
  const cell = await measureFast({ url, pids: [...web, ...(worker ?? [])], body, connections: 16, seconds });
  const after = read();
  const spent = (key) => after[key] - before[key];
  const servers = spent('web') + spent('worker');
  const scale = cell.cpu / Math.max(1, servers);
  return {
    cpu: cell.cpu,
    web: spent('web') * scale,
    worker: spent('worker') * scale,
    redis: spent('redis') * scale,
    bad: cell.bad,
  };
}

async function layouts(store) {
  const servers = LAYOUTS.map(([name, web, worker, variant]) => {
    const server = SERVERS.find((candidate) => candidate.name === name);
    if (!server) throw new Error(`no server named "${name}" in bench/layouts.mjs`);
    const label = `${name}${variant?.label ?? ''}`;
    return { ...server, name: label, queue: variant?.queue ?? server.queue, variant, crossings: { web, worker } };
  });
  for (const server of servers) server.processes = await server.start(store, server.variant);
  for (const server of servers)
    for (const [size, body] of BODIES) {
      const cell = await measureTiers(server, body, store, WARMUP);
      console.error(`warm-up · ${server.name} · ${size}: ${us(cell.cpu)} µs CPU/req`);
    }
  const cells = new Map();
  for (let round = 0; round < ROUNDS; round++)
    for (const [size, body] of BODIES)
      for (let i = 0; i < servers.length; i++) {
        const server = servers[(i + round) % servers.length];
        const cell = await measureTiers(server, body, store);
        const key = `${server.name}|${size}`;
        cells.set(key, [...(cells.get(key) ?? []), cell]);
        console.error(
          `round ${round + 1} · ${server.name} · ${size}: ${us(cell.cpu)} µs (web ${us(cell.web)}, worker ${us(cell.worker)}; Redis ${us(cell.redis)})${cell.bad ? `, ${cell.bad} errors` : ''}`,
        );
      }
  for (const server of servers) {
    await Promise.all(server.processes.map(({ child }) => stop(child)));
    if (server.queue) await deleteKeys(store.url, QUEUE(store, server.queue).UFOP_QUEUE_PREFIX);
  }
  const of = (name, size, key) => median(cells.get(`${name}|${size}`).map((cell) => cell[key]));
  return servers.map((server) => {
    const figures = (size) => ({
      cpu: of(server.name, size, 'cpu'),
      web: of(server.name, size, 'web'),
      worker: of(server.name, size, 'worker'),
      redis: of(server.name, size, 'redis'),
      bad: cells.get(`${server.name}|${size}`).reduce((sum, cell) => sum + cell.bad, 0),
    });
    return { name: server.name, crossings: server.crossings, small: figures('1 KiB'), large: figures('1 MiB') };
  });
}

function layoutTable(rows) {
  const inline = rows[0];
  const perCrossing = (row, tier) =>
    row.crossings[tier] ? us((row.large[tier] - row.small[tier]) / row.crossings[tier]) : '–';
  // Inline mode's crossing of 1 MiB, three times over (six crossings against two), plus the layout's own cost at
  // 1 KiB: the ratio that moving the bytes through Redis leaves, before anything else the layout does at 1 MiB.
  const inlineCrossings = inline.large.cpu - inline.small.cpu;
  const lines = [
    "| server | CPU µs/req, 1 KiB (web / worker) | CPU µs/req, 1 MiB (web / worker) | × inline at 1 MiB | µs per move of 1 MiB (web / worker) | 3 × inline's moves + own 1 KiB cost, × inline | Redis µs/req, 1 MiB | errors |",
    '|---|---|---|---:|---|---:|---:|---:|',
  ];
  for (const row of rows) {
    const split = (figures) =>
      row.crossings.worker ? `${us(figures.cpu)} (${us(figures.web)} / ${us(figures.worker)})` : us(figures.cpu);
    const floor = row === inline ? '–' : `${((3 * inlineCrossings + row.small.cpu) / inline.large.cpu).toFixed(2)}×`;
    lines.push(
      `| ${row.name} | ${split(row.small)} | ${split(row.large)} | ${(row.large.cpu / inline.large.cpu).toFixed(2)}× | ${perCrossing(row, 'web')}${row.crossings.worker ? ` / ${perCrossing(row, 'worker')}` : ''} | ${floor} | ${row === inline ? '–' : us(row.large.redis)} | ${row.small.bad + row.large.bad} |`,
    );
  }
  return lines.join('\n');
}

/** CPU of this process per move of 1 MiB there and back, 8 moves in flight, after 200 to warm up. */
async function paths(store) {
  const require = createRequire(join(ROOT, 'package.json'));
  const Redis = require('ioredis');
  const { RedisBlobStore } = require(join(ROOT, 'dist/src/queue/redis-blob.store.js'));
  const COUNT = 2000;
  const values = Array.from({ length: 8 }, () => randomBytes(1024 * 1024));
  const cpu = async (run) => {
    await run(200);
    const before = process.cpuUsage();
    await run(COUNT);
    const { user, system } = process.cpuUsage(before);
    return { user: user / COUNT, system: system / COUNT };
  };
  const throughRedis = async (options) => {
    const client = new Redis({ ...options, lazyConnect: true });
    await client.connect();
    const blobs = new RedisBlobStore(client, 60_000);
    const key = (slot) => `ufop-bench-${process.pid}-path:${slot}`;
    // The blob connections open beside the client's: until they are up, a command fails at once.
    for (
      let attempt = 0;
      !(await blobs.put(key(0), values[0]).then(
        () => true,
        () => false,
      ));
      attempt++
    ) {
      if (attempt === 100) throw new Error('the blob connections did not open in 5 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = await cpu(async (count) => {
      let next = 0;
      await Promise.all(
        values.map(async (value, slot) => {
          while (next++ < count) {
            await blobs.put(key(slot), value);
            await blobs.take(key(slot));
          }
        }),
      );
    });
    client.disconnect();
    return result;
  };
  // The handoff folder as a worker and a web process use it: the output written into a file taken from the free
  // ones, read back through a 64 KiB buffer into one of the reader's, the file freed for the next output.
  const throughHandoff = () => {
    const { HostHandoff } = require(join(ROOT, 'dist/src/queue/host-handoff.js'));
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ufop-bench-'));
    const handoff = new HostHandoff(dir, 60_000);
    const into = values.map(() => Buffer.allocUnsafe(1024 * 1024));
    const result = cpu(async (count) => {
      for (let i = 0; i < count; i++) {
        const slot = i % values.length;
        const id = randomUUID();
        handoff.write(id, 'out', values[slot]);
        handoff.take(id, 'out', values[slot].length, () => into[slot]);
      }
    });
    return result.finally(() => (handoff.close(), rmSync(dir, { recursive: true, force: true })));
  };
  // What reusing files saves: a file emptied after each use has the kernel find and clear its pages again.
  const throughFreshFiles = () => {
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ufop-bench-'));
    const bounce = Buffer.allocUnsafe(64 * 1024);
    const into = Buffer.allocUnsafe(1024 * 1024);
    const result = cpu(async (count) => {
      for (let i = 0; i < count; i++) {
        const value = values[i % values.length];
        const file = join(dir, String(i));
        const fd = openSync(file, 'wx+');
        writeSync(fd, value, 0, value.length, 0);
        for (let at = 0; at < value.length; at += bounce.length) {
          readSync(fd, bounce, 0, bounce.length, at);
          bounce.copy(into, at);
        }
        closeSync(fd);
        unlinkSync(file);
      }
    });
    return result.finally(() => rmSync(dir, { recursive: true, force: true }));
  };
  const url = new URL(store.url);
  return [
    [
      'Redis over loopback TCP: a SET and a GET on the blob connections',
      await throughRedis({ host: url.hostname, port: Number(url.port) }),
    ],
    ['Redis over its Unix socket: the same', await throughRedis({ path: store.socket })],
    ['the handoff folder in /dev/shm: write, read back (HostHandoff, files reused)', await throughHandoff()],
    ['a new file in /dev/shm for each move, deleted after it: the same calls', await throughFreshFiles()],
  ];
}

function pathTable(rows) {
  const lines = ['| 1 MiB there and back | CPU µs (user + system) |', '|---|---:|'];
  for (const [what, { user, system }] of rows)
    lines.push(`| ${what} | ${us(user + system)} (${us(user)} + ${us(system)}) |`);
  return lines.join('\n');
}

async function main() {
  const store = await redis();
  if (!store.pid) {
    console.error('bench:transits needs redis-server on this machine (apt-get install -y redis-server).');
    process.exit(1);
  }
  const load = [loadavg()[0]];
  const rows = await layouts(store);
  const moves = await paths(store);
  load.push(loadavg()[0]);
  store.stop();
  const section = [
    `- Run on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}, Linux ${release()}, Node ${process.version}, Redis ${store.version}; 1-minute load average ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end`,
    `- ${WARMUP} s of load per server and body before ${ROUNDS} interleaved rounds of ${SECONDS} s (16 connections, echoes); medians`,
    '',
    layoutTable(rows),
    '',
    pathTable(moves),
  ].join('\n');
  console.log(section);
  if (process.argv.includes('--write')) writeDocSection('transits', section, { title: 'Byte crossings in queue mode' });
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
