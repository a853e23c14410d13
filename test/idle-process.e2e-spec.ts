import { setTimeout as sleep } from 'node:timers/promises';
import { procStatusNumber } from './support/proc-status';
import { UfopProcess } from './support/ufop-process';

/** How often the process's main thread has gone to sleep and been woken. */
const wakeups = (pid: number) => procStatusNumber(pid, 'voluntary_ctxt_switches');

/**
 * An instance with nothing to do should cost nothing: no timer of the framework's may wake it many times a second.
 * Node's default metrics did (an event-loop monitor ticking every 10 ms: ~100 wake-ups a second, ~0.5% of a core per
 * process), so they are collected only where UFOP_METRICS_PORT serves them.
 */
describe('an idle process', () => {
  let app: UfopProcess | undefined;

  afterEach(async () => {
    await app?.kill();
    app = undefined;
  });

  const idleWakeups = async (env: Record<string, string>) => {
    app = await UfopProcess.start({ UFOP_MODE: 'inline', REDIS_URL: '', ...env });
    await sleep(2000); // start-up's own work (compilation, the first collections) settles
    const before = wakeups(app.pid);
    await sleep(3000);
    return wakeups(app.pid) - before;
  };

  it('sleeps: fewer than 20 wake-ups a second without a metrics port', async () => {
    expect(await idleWakeups({})).toBeLessThan(60);
  }, 60_000);

  it('wakes for the event-loop monitor only where the metrics port is served', async () => {
    expect(await idleWakeups({ UFOP_METRICS_PORT: '0' })).toBeGreaterThan(150);
  }, 60_000);
});
