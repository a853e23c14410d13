// Process helpers shared by the benchmarks: start a server and wait for its port, stop it, read its CPU time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const children = new Set();
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
process.on('SIGINT', () => process.exit(130));

/** A child this run started that must not outlive it (a redis-server of our own). */
export function killOnExit(child) {
  children.add(child);
}

export function start(args, env = {}, ready = /listening on port (\d+)/) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', PORT: '0', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 60 s: ${args.join(' ')}\n${output}`)), 60_000);
    const check = (chunk) => {
      output += chunk;
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        // From here on the output is only drained: kept, it would grow with every access-log line and every
        // chunk would be matched against all of it, costing the client CPU it shares with the servers.
        child.stdout.off('data', check).resume();
        child.stderr.off('data', check).resume();
        output = '';
        resolve({ child, port: match[1] ? Number(match[1]) : undefined });
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${args.join(' ')}\n${output}`)));
  });
}

export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/**
 * CPU time (user + system, in µs) that these processes have used so far, from /proc. Divided by the requests served,
 * it is the server's cost per request, which a client competing for the same two cores skews far less than req/s.
 */
export function cpuMicros(pids) {
  let ticks = 0;
  for (const pid of pids) {
    // Fields are counted after the command name's last ') ' (the name may hold spaces and parentheses).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10_000; // USER_HZ is 100 on Linux
}

/** A loopback port nothing listens on right now (for a redis-server of our own). */
export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `count` copies of `args` are up: the ready line is printed once by each of them. */
export const printedBy = (count, line) => new RegExp(Array.from({ length: count }, () => line).join('[\\s\\S]*'));

/** A process of ours and the processes it forked (runserver's and runworker's children), for their CPU time. */
export function family(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return [pid, ...children.map(Number)];
  } catch {
    return [pid];
  }
}
