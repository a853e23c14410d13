#!/usr/bin/env node
// `npm run bench:burst`: peak memory of a process (and of its Redis) under bursts of large uploads, the figures
// behind the "Burst memory" table of docs/BENCHMARKS.md. Memory is VmHWM (peak resident set) from /proc, read once
// the burst is over, for a fresh process per case; statuses count byte-exact 200s, 503s with Retry-After, and
// anything else (a reset, a wrong body). BURST_BEFORE=<path of another build's sample main.js> measures that build
// too, side by side in the same run (how the "before" column was made). Everything runs on loopback.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { writeDocSection } from './doc-section.mjs';
import { freePort, ROOT } from './processes.mjs';

const MiB = 1024 * 1024;
const children = new Set();
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

const peakMiB = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function spawnChild(command, args, env, ready) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${args.join(' ')}\n${output}`)), 60_000);
    const check = (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
  });
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
}

function patternStream(size) {
  const block = Buffer.alloc(MiB, 7);
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= size) return void this.push(null);
      const length = Math.min(MiB, size - offset);
      const piece = Buffer.from(block.subarray(0, length));
      piece.writeUInt32BE(offset / MiB, 0);
      offset += length;
      this.push(piece);
    },
  });
}

async function hashOf(stream) {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

function post(port, query, body, size) {
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: `/handler?${query}`,
      method: 'POST',
      headers: { 'content-length': size },
    });
    let done = false;
    const finish = (result) => !done && ((done = true), resolve(result));
    req.on('response', (res) => {
      hashOf(res).then(
        (hash) => finish({ status: res.statusCode, hash, retryAfter: res.headers['retry-after'] }),
        (error) => finish({ status: res.statusCode, error: error.message }),
      );
    });
    req.on('error', (error) => setTimeout(() => finish({ status: 0, error: error.message }), 50));
    if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

function tally(results, expected) {
  const counts = { ok: 0, refused: 0, other: 0 };
  for (const r of results) {
    if (r.status === 200 && r.hash === expected && !r.error) counts.ok++;
    else if (r.status === 503 && Number(r.retryAfter) > 0 && !r.error) counts.refused++;
    else counts.other++;
  }
  return counts;
}

async function startSample(entry, env) {
  const tmp = mkdtempSync(join(tmpdir(), 'ufop-burst-'));
  const { child, match } = await spawnChild(
    process.execPath,
    [entry],
    { PATH: process.env.PATH, PORT: '0', NO_COLOR: '1', UFOP_TMP_DIR: tmp, ...env },
    /listening on port (\d+)/,
  );
  return { child, port: Number(match[1]), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

async function startRedis() {
  const port = await freePort();
  const { child } = await spawnChild(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { PATH: process.env.PATH },
    /Ready to accept connections/,
  );
  return { child, url: `redis://127.0.0.1:${port}` };
}

const CASES = [
  {
    name: '40 × 20 MB uploads at once, inline, FLAVOR=C1M1',
    env: { FLAVOR: 'C1M1' },
    async run(port) {
      const body = randomBytes(20 * 1000 * 1000);
      const expected = createHash('sha256').update(body).digest('hex');
      return tally(
        await Promise.all(Array.from({ length: 40 }, () => post(port, 'cmd=demo/echo', body, body.length))),
        expected,
      );
    },
  },
  {
    name: '40 × 20 MB uploads at once, queue (all role), FLAVOR=C1M1',
    env: { FLAVOR: 'C1M1', UFOP_ROLE: 'all' },
    redis: true,
    run: (port) => CASES[0].run(port),
  },
  {
    name: '3 × 200 MB uploads at once, inline, UFOP_MAX_BODY_BYTES=256 MiB',
    env: { FLAVOR: 'C1M1', UFOP_MAX_BODY_BYTES: String(256 * MiB) },
    async run(port) {
      const expected = await hashOf(patternStream(200 * MiB));
      const runs = [1, 2, 3].map(() => post(port, 'cmd=demo/echo', patternStream(200 * MiB), 200 * MiB));
      return tally(await Promise.all(runs), expected);
    },
  },
  {
    name: 'a 200 MB url source, inline, UFOP_MAX_BODY_BYTES=256 MiB',
    env: {
      FLAVOR: 'C1M1',
      UFOP_MAX_BODY_BYTES: String(256 * MiB),
      UFOP_ALLOW_PRIVATE_URLS: 'true',
      UFOP_FETCH_TIMEOUT_MS: '120000',
    },
    async run(port) {
      const source = createServer((req, res) => {
        res.writeHead(200, { 'content-length': 200 * MiB, 'content-type': 'video/mp4' });
        patternStream(200 * MiB).pipe(res);
      }).listen(0, '127.0.0.1');
      await once(source, 'listening');
      const url = encodeURIComponent(`http://127.0.0.1:${source.address().port}/big.mp4`);
      try {
        return tally(
          [await post(port, `cmd=demo/echo&url=${url}`, Buffer.alloc(0), 0)],
          await hashOf(patternStream(200 * MiB)),
        );
      } finally {
        source.close();
      }
    },
  },
];

async function measure(entry, testCase) {
  const redis = testCase.redis ? await startRedis() : undefined;
  const sample = await startSample(entry, { ...testCase.env, ...(redis ? { REDIS_URL: redis.url } : {}) });
  const started = Date.now();
  try {
    const counts = await testCase.run(sample.port);
    return {
      ...counts,
      seconds: (Date.now() - started) / 1000,
      rss: peakMiB(sample.child.pid),
      redisRss: redis ? peakMiB(redis.child.pid) : undefined,
    };
  } finally {
    await stop(sample.child);
    sample.cleanup();
    if (redis) await stop(redis.child);
  }
}

const fmt = (m) =>
  `${Math.round(m.rss)} MiB${m.redisRss !== undefined ? ` (Redis ${Math.round(m.redisRss)} MiB)` : ''}; ` +
  `${m.ok} × 200, ${m.refused} × 503${m.other ? `, **${m.other} failed or reset**` : ''}; ${m.seconds.toFixed(1)} s`;

const builds = [['after', join(ROOT, 'dist', 'sample', 'main.js')]];
if (process.env.BURST_BEFORE) builds.unshift(['before', process.env.BURST_BEFORE]);
const rows = [];
for (const testCase of CASES) {
  const cells = [];
  for (const [label, entry] of builds) {
    const result = await measure(entry, testCase);
    console.error(`${label}: ${testCase.name}: ${fmt(result)}`);
    cells.push(fmt(result));
  }
  rows.push(`| ${testCase.name} | ${cells.join(' | ')} |`);
}
const table = [
  `| burst (echo, byte-exact check) | ${builds.map(([label]) => `${label}: peak RSS; answers; time`).join(' | ')} |`,
  `|---|${builds.map(() => '---').join('|')}|`,
  ...rows,
].join('\n');
console.log(table);
if (process.argv.includes('--write')) writeDocSection('burst', table, { title: 'Burst memory' });
