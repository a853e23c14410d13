import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { monitored } from './support/redis-monitor';
import { RedisServer, uniquePrefix } from './support/redis';
import { callHandler, UfopProcess } from './support/ufop-process';

// Past INLINE_BYTES (32 KiB), so inputs and outputs are blobs; small enough for MONITOR to print quickly.
const BODY_BYTES = 100 * 1024;

/** Counts the SETs and GETs of blob keys that Redis runs while `work` runs (their keys name them; scripts' do not). */
async function blobCommands(
  redis: RedisServer,
  work: () => Promise<void>,
): Promise<{ set: number; get: number; delInput: number }> {
  const counts = { set: 0, get: 0, delInput: 0 };
  let lastBlobCommandAt = Date.now();
  const onLine = (line: string) => {
    const command = /^\+[\d.]+ \[\d+ [^\]]+\] "(\w+)" "([^"]*)"/.exec(line);
    const name = command?.[1].toLowerCase();
    if (name !== 'keys' && command?.[2].includes(':blob:')) lastBlobCommandAt = Date.now();
    if ((name === 'set' || name === 'get') && command![2].includes(':blob:')) counts[name]++;
    // DELs that name an input blob (a DEL may name the output too).
    if (name === 'del' && /:blob:[^"]*:in"/.test(line)) counts.delInput++;
  };
  await monitored(redis.port, onLine, async () => {
    await work();
    // Every DEL has run once no blob is left, but for a worker's DEL of an input the web process deleted too, sent on
    // another connection: wait for 200 ms without a blob command as well.
    await redis.keysLeft('*:blob:*');
    await eventually(
      () => Date.now() - lastBlobCommandAt,
      (quietMs) => quietMs >= 200,
    );
  });
  return counts;
}

/**
 * With UFOP_ROLE=all, a job this process's own worker runs takes its input from the web side's memory and gives its
 * output straight to the waiting request (`LocalHandoff`). Between a web and a worker process that share a handoff
 * folder (`HostHandoff`, one machine), the input and the output go through files there; between processes whose
 * folders differ (two machines), or with the folder off, the bytes go through Redis both ways; a worker of another
 * folder that takes a job whose input is in a file asks the web process for it. Redis's own command counts tell
 * them apart.
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

  /**
   * A web process hands inputs over in its folder only while its last read of the live workers (at most every
   * 100 ms, when a request comes) is under a second old and names its folder for all of them: two small requests
   * 150 ms apart make sure the next ones find such a read.
   */
  const freshView = async (baseUrl: string) => {
    for (const pause of [150, 50]) {
      expect((await callHandler(baseUrl, 'demo/echo', Buffer.from('x'))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };

  /** Echoes `count` bodies after a fresh view of the workers (`freshView`): Redis's blob commands, all answers exact. */
  const exactEchoes = async (baseUrl: string, count: number) => {
    await freshView(baseUrl);
    let exact: boolean[] = [];
    const calls = await blobCommands(redis, async () => void (exact = await echoAll(baseUrl, count)));
    expect(exact).toEqual(Array(count).fill(true));
    return calls;
  };

  /**
   * One process (web + worker) whose only slot is busy with a 20 s job, and three 100 KiB echoes waiting behind it:
   * their inputs held in the web side's memory (its own worker is the only live one), none in the folder.
   */
  const heldBehindBusySlot = async (label: string) => {
    const prefix = uniquePrefix(`handoff-${label}`);
    const env = { UFOP_QUEUE_PREFIX: prefix, UFOP_CONCURRENCY: '1', UFOP_HANDOFF_DIR: machine(label) };
    const all = await start({ ...env, UFOP_ROLE: 'all' });
    await freshView(all.baseUrl);
    const slow = callHandler(all.baseUrl, 'demo/fixture/slow/20000', Buffer.from('x'));
    slow.catch(() => undefined); // not waited for: it ends with the test
    await new Promise((resolve) => setTimeout(resolve, 150));
    const bodies = Array.from({ length: 3 }, (_, i) => randomBytes(BODY_BYTES + i));
    const answers = Promise.all(bodies.map((body) => callHandler(all.baseUrl, 'demo/echo', body).catch(() => null)));
    expect(
      await eventually(
        () => redis.llen(`${prefix}:ufop:wait`),
        (waiting) => waiting === 3,
      ),
    ).toBe(3);
    expect([...filesIn(machine(label), 'busy'), ...filesIn(machine(label), 'free')]).toEqual([]);
    return { env, all, bodies, answers };
  };

  /**
   * Three echoes answered byte-exact through inputs that `web` sent through Redis for a worker that asked (its log
   * line, `line`, once each), with no blob left in Redis nor file in `folder`'s busy/.
   */
  const servedThroughRedis = async (
    web: UfopProcess,
    line: RegExp,
    answers: Promise<Array<{ status: number; body: Buffer } | null>>,
    bodies: Buffer[],
    folder: string,
  ) => {
    expect((await answers).map((answer, i) => answer?.status === 200 && answer.body.equals(bodies[i]))).toEqual([
      true,
      true,
      true,
    ]);
    // The web process logs each input it sends (its output may reach this test after the answers), and deletes it.
    const served = await eventually(
      () => web.output.match(new RegExp(line.source, 'g'))?.length ?? 0,
      (count) => count === 3,
    );
    expect(served).toBe(3);
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
    expect(filesIn(folder, 'busy')).toEqual([]);
  };

  /**
   * What a worker that asks for inputs sends and receives while `work` runs: the answers web processes publish on
   * its channel, and its looks in Redis for an input (one per ask: it reads once it has heard, and looks for nothing).
   */
  const asksAnswered = async (work: () => Promise<void>) => {
    const seen = { answers: 0, inputGets: 0 };
    await monitored(
      redis.port,
      (line) => {
        if (/"publish" "[^"]*:answers:[^"]*" ".*\\"input\\":\\"stored\\"/i.test(line)) seen.answers++;
        if (/"get" "[^"]*:blob:[^"]*:in"/i.test(line)) seen.inputGets++;
      },
      work,
    );
    return seen;
  };

  it('one process (web + worker): no byte goes through Redis', async () => {
    const all = await start({
      UFOP_ROLE: 'all',
      UFOP_QUEUE_PREFIX: uniquePrefix('handoff-all'),
      UFOP_HANDOFF_DIR: machine('all'),
    });
    const calls = await exactEchoes(all.baseUrl, 6);
    // Its own worker is the only live one: it takes the inputs from memory, where the web side keeps them (not in
    // Redis, not in the folder), and gives its outputs in memory.
    expect(calls).toEqual({ set: 0, get: 0, delInput: 0 });
    expect([...filesIn(machine('all'), 'busy'), ...filesIn(machine('all'), 'free')]).toEqual([]);
    // A failure of a local job comes back with its status and message, as through Redis.
    const failed = await callHandler(all.baseUrl, 'demo/fixture/fail/422', randomBytes(64 * 1024));
    expect({ status: failed.status, body: failed.json() }).toEqual({
      status: 422,
      body: { error: 'failed on purpose with 422' },
    });
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
    expect(filesIn(machine('all'), 'busy')).toEqual([]);
  }, 60_000);

  it('a web and a worker process of one machine: inputs and outputs go through files of the folder they share', async () => {
    const env = { UFOP_QUEUE_PREFIX: uniquePrefix('handoff-host'), UFOP_HANDOFF_DIR: machine('one') };
    await start({ ...env, UFOP_ROLE: 'worker' });
    const web = await start({ ...env, UFOP_ROLE: 'web' });
    const calls = await exactEchoes(web.baseUrl, 6);
    expect(calls).toEqual({ set: 0, get: 0, delInput: 0 });
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
    // Every file was read and kept for the next bytes: no more files than inputs and outputs were in flight.
    expect(filesIn(machine('one'), 'busy')).toEqual([]);
    const kept = filesIn(machine('one'), 'free');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(12);

    // Past 2 MiB the bytes go through Redis, as do small ones (in the job and the reply); a failure keeps its status.
    await freshView(web.baseUrl);
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
    const calls = await exactEchoes(web.baseUrl, 6);
    // Inputs and outputs stored; the worker reads the inputs, the web process the outputs. An input is deleted by the
    // worker once its handler has answered (to free Redis early) and again by the web process with the output.
    expect(calls).toEqual({ set: 12, get: 12, delInput: 12 });
    expect(await redis.keysLeft('*:blob:*')).toEqual([]);
    // Neither folder was written: each process saw that the other uses another one.
    for (const dir of [machine('worker'), machine('web')]) {
      expect([...filesIn(dir, 'busy'), ...filesIn(dir, 'free')]).toEqual([]);
    }
  }, 60_000);

  it('a worker of another folder that takes a job whose input is in a file gets the input through Redis', async () => {
    const env = { UFOP_QUEUE_PREFIX: uniquePrefix('handoff-late'), UFOP_CONCURRENCY: '1' };
    const first = await start({ ...env, UFOP_ROLE: 'worker', UFOP_HANDOFF_DIR: machine('late') });
    const web = await start({ ...env, UFOP_ROLE: 'web', UFOP_HANDOFF_DIR: machine('late') });
    // The only worker, which shares the web process's folder, is busy: the next jobs wait, their inputs in files.
    // Then it dies, and a worker of another machine comes and takes them. (Each request makes the web process read
    // the live workers again when the last read is 100 ms old: the echoes find a fresh one.)
    const slow = callHandler(web.baseUrl, 'demo/fixture/slow/20000', Buffer.from('x'));
    slow.catch(() => undefined); // not waited for: it ends with the test
    await new Promise((resolve) => setTimeout(resolve, 150));
    const nudge = callHandler(web.baseUrl, 'demo/echo', Buffer.from('x'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const bodies = Array.from({ length: 3 }, (_, i) => randomBytes(BODY_BYTES + i));
    const answers = Promise.all(bodies.map((body) => callHandler(web.baseUrl, 'demo/echo', body)));
    const waiting = await eventually(
      () => filesIn(machine('late'), 'busy').filter((name) => name.endsWith('.in')).length,
      (inputs) => inputs === 3,
    );
    expect(waiting).toBe(3);
    await first.kill(); // only the other worker can take them now, however long it takes to start
    const seen = await asksAnswered(async () => {
      await start({ ...env, UFOP_ROLE: 'worker', UFOP_HANDOFF_DIR: machine('elsewhere') });
      // The first worker is gone: only the other one answered, with inputs it could only get through Redis.
      await servedThroughRedis(
        web,
        /its worker uses another handoff folder: input sent through Redis/,
        answers,
        bodies,
        machine('late'),
      );
    });
    expect(seen).toEqual({ answers: 3, inputGets: 3 });
    expect((await nudge).status).toBe(200);
  }, 60_000);

  it('a worker of another process that takes a job whose input one process (web + worker) holds in memory gets it through Redis', async () => {
    const { env, all, bodies, answers } = await heldBehindBusySlot('held');
    const seen = await asksAnswered(async () => {
      // A worker process comes, of the same folder even, and takes them.
      await start({ ...env, UFOP_ROLE: 'worker' });
      await servedThroughRedis(
        all,
        /its worker is another process: input sent through Redis/,
        answers,
        bodies,
        machine('held'),
      );
    });
    expect(seen).toEqual({ answers: 3, inputGets: 3 });
  }, 60_000);

  it('a worker that asks for an input whose web process is gone fails the job at once, without looking for it', async () => {
    const { env, all, answers } = await heldBehindBusySlot('gone');
    await all.kill(); // the inputs go with it; the jobs stay in Redis
    await answers; // cut with their process
    // A worker that comes takes them, asks for each input, and hears that no one listens on the web process's reply
    // channel: it fails each job at once, with no look in Redis for an input that will never come.
    let inputGets = 0;
    await monitored(
      redis.port,
      (line) => (inputGets += /"get" "[^"]*:blob:[^"]*:in"/i.test(line) ? 1 : 0),
      async () => {
        const worker = await start({ ...env, UFOP_ROLE: 'worker' });
        const failed = await eventually(
          () => worker.output.match(/cmd=\S*echo status=503/g)?.length ?? 0,
          (count) => count === 3,
        );
        expect(failed).toBe(3);
      },
    );
    expect(inputGets).toBe(0);
  }, 60_000);

  it('with UFOP_HANDOFF_DIR=off, the bytes go through Redis between processes of one machine', async () => {
    const env = { UFOP_QUEUE_PREFIX: uniquePrefix('handoff-off'), UFOP_HANDOFF_DIR: 'off' };
    await start({ ...env, UFOP_ROLE: 'worker' });
    const web = await start({ ...env, UFOP_ROLE: 'web' });
    const calls = await exactEchoes(web.baseUrl, 3);
    expect(calls).toEqual({ set: 6, get: 6, delInput: 6 });
  }, 60_000);
});
