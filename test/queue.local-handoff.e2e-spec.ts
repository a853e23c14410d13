import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { RedisServer, uniquePrefix } from './support/redis';
import { callHandler, UfopProcess } from './support/ufop-process';

// Past INLINE_BYTES (32 KiB), so inputs and outputs are blobs; small enough for MONITOR to print quickly.
const BODY_BYTES = 100 * 1024;

/**
 * Counts the SETs and GETs of blob keys that Redis runs while `work` runs: MONITOR prints every client's commands,
 * those of Bull's scripts included (their keys are not blobs). Read on a plain socket: ioredis's monitor mode loses
 * track of its replies when Bull's blocking commands show up in it.
 */
async function blobCommands(
  redis: RedisServer,
  work: () => Promise<void>,
): Promise<{ set: number; get: number; delInput: number }> {
  const socket = connect({ port: redis.port, host: '127.0.0.1' });
  const counts = { set: 0, get: 0, delInput: 0 };
  let pending = '';
  let pongs = 0;
  let lastBlobCommandAt = Date.now();
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\r\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === '+PONG') pongs++;
      const command = /^\+[\d.]+ \[\d+ [^\]]+\] "(\w+)" "([^"]*)"/.exec(line);
      const name = command?.[1].toLowerCase();
      if (name !== 'keys' && command?.[2].includes(':blob:')) lastBlobCommandAt = Date.now();
      if ((name === 'set' || name === 'get') && command![2].includes(':blob:')) counts[name]++;
      // DELs that name an input blob (a DEL may name the output too).
      if (name === 'del' && /:blob:[^"]*:in"/.test(line)) counts.delInput++;
    }
  });
  socket.write('MONITOR\r\n');
  await once(socket, 'data');
  try {
    await work();
    // Every DEL has run once no blob is left, but for a worker's DEL of an input the web process deleted too, sent on
    // another connection: wait for 200 ms without a blob command as well.
    await redis.keysLeft('*:blob:*');
    await eventually(
      () => Date.now() - lastBlobCommandAt,
      (quietMs) => quietMs >= 200,
    );
    // What MONITOR prints comes in order: once a PING on this socket is answered, every command before it is in.
    const answered = pongs + 1;
    socket.write('PING\r\n');
    while (pongs < answered) await once(socket, 'data');
    return counts;
  } finally {
    socket.destroy();
  }
}

/**
 * With UFOP_ROLE=all, a job this process's own worker runs takes its input from the web side's memory and gives its
 * output straight to the waiting request (`LocalHandoff`): Redis sees the input stored (any process's worker could
 * have taken the job) and nothing else of the bytes. Between a web and a worker process that share a handoff folder
 * (`HostHandoff`, one machine), the output goes through a file there; between processes whose folders differ (two
 * machines), the bytes go through Redis both ways. Redis's own command counts tell them apart.
 */
describe('queue mode hands bytes over in memory within one process, through a folder within one machine', () => {
  let redis: RedisServer;
  const processes: UfopProcess[] = [];
  // Folders of this test's own, in memory as the default one is: what one "machine" shares, the other does not.
  const folders = mkdtempSync('/dev/shm/ufop-handoff-test-');
  const machine = (name: string) => join(folders, name);
  const filesIn = (dir: string, sub: 'busy' | 'free') => readdirSync(join(dir, sub));

  beforeAll(async () => {
    redis = await RedisServer.start();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await redis?.stop();
    rmSync(folders, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>) => {
    const started = await UfopProcess.start({ REDIS_URL: redis.url, UFOP_HANDLER_TIMEOUT_MS: '30000', ...env });
    processes.push(started);
    return started;
  };

  const echoAll = async (baseUrl: string, count: number) => {
    const bodies = Array.from({ length: count }, (_, i) => randomBytes(BODY_BYTES + i));
    const answers = await Promise.all(bodies.map((body) => callHandler(baseUrl, 'demo/echo', body)));
    return answers.map((answer, i) => answer.status === 200 && answer.body.equals(bodies[i]));
  };

  it('one process (web + worker): the input is stored once and never read back, the output never stored', async () => {
    const all = await start({
      UFOP_ROLE: 'all',
      UFOP_QUEUE_PREFIX: uniquePrefix('handoff-all'),
      UFOP_HANDOFF_DIR: machine('all'),
    });
    let exact: boolean[] = [];
    const calls = await blobCommands(redis, async () => void (exact = await echoAll(all.baseUrl, 6)));
    expect(exact).toEqual(Array(6).fill(true));
    // The inputs, stored for any worker; no input read back, no output stored or read; each input deleted once, by
    // the web side when its request ends (the worker leaves an input it took from memory to it).
    expect(calls).toEqual({ set: 6, get: 0, delInput: 6 });
    // A failure of a local job comes back with its status and message, as through Redis.
    const failed = await callHandler(all.baseUrl, 'demo/fixture/fail/422', randomBytes(64 * 1024));
    expect({ status: failed.status, body: failed.json() }).toEqual({
      status: 422,
      body: { error: 'failed on purpose with 422' },
    });
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
  }, 60_000);

  it('a web and a worker process of one machine: the output goes through a file of the folder they share', async () => {
    const env = { UFOP_QUEUE_PREFIX: uniquePrefix('handoff-host'), UFOP_HANDOFF_DIR: machine('one') };
    await start({ ...env, UFOP_ROLE: 'worker' });
    const web = await start({ ...env, UFOP_ROLE: 'web' });
    let exact: boolean[] = [];
    const calls = await blobCommands(redis, async () => void (exact = await echoAll(web.baseUrl, 6)));
    expect(exact).toEqual(Array(6).fill(true));
    // The inputs stored and read back by the worker; no output stored or read. Each input is deleted by the worker
    // once its handler has answered, and by the web process with the output.
    expect(calls).toEqual({ set: 6, get: 6, delInput: 12 });
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
    // Every output file was read and kept for the next one: no more files than outputs were in flight.
    expect(filesIn(machine('one'), 'busy')).toEqual([]);
    const kept = filesIn(machine('one'), 'free');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(6);

    // Past 2 MiB an output goes through Redis, as does a small one (in the reply); a failure keeps its status.
    const large = randomBytes(3 * 1024 * 1024);
    const small = randomBytes(1000);
    const [big, tiny, failed] = await Promise.all([
      callHandler(web.baseUrl, 'demo/echo', large),
      callHandler(web.baseUrl, 'demo/echo', small),
      callHandler(web.baseUrl, 'demo/fixture/fail/422', randomBytes(64 * 1024)),
    ]);
    expect([big.status, big.body.equals(large), tiny.status, tiny.body.equals(small)]).toEqual([200, true, 200, true]);
    expect({ status: failed.status, body: failed.json() }).toEqual({
      status: 422,
      body: { error: 'failed on purpose with 422' },
    });
    expect(filesIn(machine('one'), 'busy')).toEqual([]);
    for (const name of filesIn(machine('one'), 'free')) {
      expect(statSync(join(machine('one'), 'free', name)).size).toBeLessThanOrEqual(2 * 1024 * 1024);
    }
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
  }, 60_000);

  it('a web and a worker process of two machines: both the input and the output go through Redis', async () => {
    const env = { UFOP_QUEUE_PREFIX: uniquePrefix('handoff-split') };
    await start({ ...env, UFOP_ROLE: 'worker', UFOP_HANDOFF_DIR: machine('worker') });
    const web = await start({ ...env, UFOP_ROLE: 'web', UFOP_HANDOFF_DIR: machine('web') });
    let exact: boolean[] = [];
    const calls = await blobCommands(redis, async () => void (exact = await echoAll(web.baseUrl, 6)));
    expect(exact).toEqual(Array(6).fill(true));
    // Inputs and outputs stored; the worker reads the inputs, the web process the outputs. An input is deleted by the
    // worker once its handler has answered (to free Redis early) and again by the web process with the output.
    expect(calls).toEqual({ set: 12, get: 12, delInput: 12 });
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
    // Neither folder was written: the worker saw that the job's web process uses another one.
    for (const dir of [machine('worker'), machine('web')]) {
      expect([...filesIn(dir, 'busy'), ...filesIn(dir, 'free')]).toEqual([]);
    }
  }, 60_000);

  it('with UFOP_HANDOFF_DIR=off, outputs go through Redis between processes of one machine', async () => {
    const env = { UFOP_QUEUE_PREFIX: uniquePrefix('handoff-off'), UFOP_HANDOFF_DIR: 'off' };
    await start({ ...env, UFOP_ROLE: 'worker' });
    const web = await start({ ...env, UFOP_ROLE: 'web' });
    let exact: boolean[] = [];
    const calls = await blobCommands(redis, async () => void (exact = await echoAll(web.baseUrl, 3)));
    expect(exact).toEqual(Array(3).fill(true));
    expect(calls).toEqual({ set: 6, get: 6, delInput: 6 });
  }, 60_000);
});
