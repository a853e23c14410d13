// The redis-server of a benchmark run: one of its own on a free loopback port (and a Unix socket), so that its CPU
// per request can be read and nothing else runs on it.
import Redis from 'ioredis';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, killOnExit } from './processes.mjs';

function answers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.on('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.on('error', () => resolve(false));
  });
}

/**
 * A redis-server of our own on a free port, so that its CPU per request can be read and nothing else runs on it;
 * REDIS_URL (default redis://127.0.0.1:6379) when redis-server is not installed.
 */
export async function redis() {
  const port = await freePort();
  // It also listens on a Unix socket, for the layouts that reach it that way.
  const socket = join(mkdtempSync(join(tmpdir(), 'ufop-bench-')), 'redis.sock');
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--unixsocket', socket],
    {
      stdio: 'ignore',
    },
  );
  const missing = await new Promise((resolve) => {
    child.once('error', () => resolve(true));
    child.once('spawn', () => resolve(false));
  });
  if (missing) {
    rmSync(dirname(socket), { recursive: true, force: true });
    const url = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
    if (await answers(Number(url.port || 6379), url.hostname))
      return { url: url.toString(), version: redisVersion(url), stop() {} };
    console.error('No redis-server to start and no Redis at REDIS_URL (apt-get install -y redis-server).');
    process.exit(1);
  }
  killOnExit(child);
  for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  const own = new URL(`redis://127.0.0.1:${port}`);
  return {
    url: own.toString(),
    socket,
    version: redisVersion(own),
    pid: child.pid,
    stop: () => (child.kill('SIGKILL'), rmSync(dirname(socket), { recursive: true, force: true })),
  };
}

/** Leaves the Redis as it was: the queue's id counter and markers go too. */
export async function deleteKeys(url, prefix) {
  const client = new Redis(url);
  const stream = client.scanStream({ match: `${prefix}:*`, count: 1000 });
  for await (const keys of stream) if (keys.length) await client.del(...keys);
  client.disconnect();
}

function redisVersion(url) {
  const out = spawnSync('redis-cli', ['-u', url.toString(), 'INFO', 'server'], { encoding: 'utf8' }).stdout ?? '';
  return /redis_version:(\S+)/.exec(out)?.[1] ?? 'unknown';
}
