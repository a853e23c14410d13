import type { Queue } from 'bull';
import { resolveUfopOptions } from '../config/ufop-options.factory';
import { derivedMaxQueued, maxQueuedFloor } from './queue-bound';
import { QueueDepth } from './queue-depth';
import { WorkerSlots } from './worker-slots';

/** A Bull queue whose wait list and advertised worker slots the test sets; counts the reads. */
function fakeQueue(state: { waiting: number; members: string[]; reads: number }): Queue {
  const client = {
    async llen(key: string) {
      return key.endsWith(':wait') ? state.waiting : 0;
    },
    async zrangebyscore() {
      state.reads++; // one per read of the three figures
      return state.members;
    },
  };
  return { client, toKey: (type: string) => `bull:ufop:${type}` } as unknown as Queue;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

// The clock the 100 ms between reads is measured on: moved by the tests only, so a slow machine changes nothing.
let now = 1_000_000;
const later = (ms: number) => (now += ms);
beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
afterEach(() => jest.restoreAllMocks());

describe('the default UFOP_MAX_QUEUED', () => {
  it('is one waiting job per live worker slot, and never below UFOP_MAX_WAITING (at least 1)', () => {
    expect(derivedMaxQueued(0, 100)).toBe(100);
    expect(derivedMaxQueued(80, 100)).toBe(100);
    expect(derivedMaxQueued(400, 100)).toBe(400);
    expect(maxQueuedFloor({ maxWaiting: 0 })).toBe(1);
    expect(maxQueuedFloor({ maxWaiting: 100 })).toBe(100);
  });

  it('adds up the slots the workers advertise', () => {
    expect(WorkerSlots.total(['4:a', '4:b', '12:c'])).toBe(20);
    expect(WorkerSlots.total(['junk'])).toBe(0);
  });

  it('is derived unless UFOP_MAX_QUEUED is set, in the environment or in code', () => {
    expect(resolveUfopOptions({}, { CPU_COUNT: '1' }).maxQueued).toBeUndefined();
    expect(resolveUfopOptions({}, { CPU_COUNT: '1', UFOP_MAX_QUEUED: '100' }).maxQueued).toBe(100);
    expect(resolveUfopOptions({ maxQueued: 7 }, { CPU_COUNT: '1', UFOP_MAX_QUEUED: '100' }).maxQueued).toBe(7);
  });
});

describe('QueueDepth', () => {
  it('refuses past the bound with 503 + Retry-After, counting the jobs this process added since the last read', async () => {
    const state = { waiting: 3, members: [], reads: 0 };
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', 5, 100);
    await depth.admit(); // reads 3 waiting in the background
    await settle();
    await depth.admit(); // 3 read + 1 added since the read began
    await expect(depth.admit()).rejects.toMatchObject({
      status: 503,
      message: expect.stringMatching(/UFOP_MAX_QUEUED=5/),
    });
    expect(state.reads).toBe(1); // at most one read per 100 ms, whatever the request rate
  });

  it('forgets jobs once they are over: a steady flow never fills the bound', async () => {
    const state = { waiting: 0, members: [], reads: 0 };
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', 2, 100);
    for (let i = 0; i < 1000; i++) {
      await depth.admit();
      depth.release();
    }
  });

  it('follows the live workers: the floor until they are read, then one per slot', async () => {
    const state = { waiting: 0, members: ['20:a', '10:b'], reads: 0 };
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', undefined, 16);
    expect(depth.limit).toBe(16);
    await depth.admit();
    await settle();
    expect(depth.limit).toBe(30);
    state.waiting = 30;
    later(110);
    await depth.admit(); // taken on the count on hand, while the next is read
    await settle();
    await expect(depth.admit()).rejects.toMatchObject({
      status: 503,
      message: expect.stringMatching(
        /31 jobs already waiting .*UFOP_MAX_QUEUED unset: 30, from the live workers' 30 slots, at least UFOP_MAX_WAITING=16/,
      ),
    });
  });

  it('does not refuse on a stale count: jobs that were in flight may have finished since', async () => {
    const state = { waiting: 0, members: [], reads: 0 };
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', 3, 100);
    await depth.admit();
    await settle();
    await depth.admit();
    await depth.admit(); // 3 in flight beyond the read: the next would be refused now
    await expect(depth.admit()).rejects.toMatchObject({ status: 503 });
    // They were running, not waiting: the list is still empty when read 100 ms later.
    later(110);
    await expect(depth.admit()).resolves.toBeUndefined();
  });

  it('says when the live workers go from some to none and back, once each time (and at the first read, if none)', async () => {
    const state = { waiting: 0, members: [] as string[], reads: 0 };
    const told: number[] = [];
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', undefined, 16, (slots) => told.push(slots));
    const read = async () => {
      later(110);
      await depth.admit();
      depth.release();
      await settle();
    };
    await read(); // none from the start
    await read(); // still none: nothing new to say
    expect(told).toEqual([0]);
    state.members = ['4:a'];
    await read();
    state.members = ['4:a', '8:b'];
    await read(); // more slots: not a change between none and some
    expect(told).toEqual([0, 4]);
    state.members = [];
    await read();
    expect(told).toEqual([0, 4, 0]);
    expect(state.reads).toBe(5);
  });

  it('says nothing while workers are there from the first read on', async () => {
    const state = { waiting: 0, members: ['2:a'], reads: 0 };
    const told: number[] = [];
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', undefined, 16, (slots) => told.push(slots));
    for (let i = 0; i < 3; i++) {
      later(110);
      await depth.admit();
      depth.release();
      await settle();
    }
    expect(state.reads).toBe(3);
    expect(told).toEqual([]);
  });
});

describe('what the read of the live workers tells: a shared handoff folder, a process whose worker is alone', () => {
  const A = '11111111-1111-1111-1111-111111111111';
  const B = '22222222-2222-2222-2222-222222222222';

  it('reads the folder tokens the workers advertise beside their slots', () => {
    expect(WorkerSlots.total([`4:u1:${A}`, '4:u2'])).toBe(8);
    expect(WorkerSlots.sharedBy([`4:u1:${A}`, `2:u2:${A}`], A)).toBe(true);
    expect(WorkerSlots.sharedBy([`4:u1:${A}`, `2:u2:${B}`], A)).toBe(false);
    expect(WorkerSlots.sharedBy([`4:u1:${A}`, '2:u2'], A)).toBe(false); // a worker without a folder, or an older one
    expect(WorkerSlots.sharedBy([], A)).toBe(false); // no worker: nobody to say it shares the folder
  });

  it('says yes only from a read of the last second', async () => {
    const state = { waiting: 0, members: [`4:u1:${A}`], reads: 0 };
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', undefined, 100);
    expect(depth.sharedBy(A)).toBe(false); // never read
    await depth.admit();
    depth.release();
    await settle();
    expect([depth.sharedBy(A), depth.sharedBy(B)]).toEqual([true, false]);
    state.members = [`4:u1:${A}`, `4:u3:${B}`];
    later(1_000);
    // A quiet second: another folder's worker may have come meanwhile.
    expect(depth.sharedBy(A)).toBe(false);
    await depth.admit();
    depth.release();
    await settle();
    expect(depth.sharedBy(A)).toBe(false);
  });

  it('tells a process whether its own worker is the only live one, from a read of the last second', async () => {
    expect(WorkerSlots.onlyMember([`4:u1:${A}`], `4:u1:${A}`)).toBe(true);
    expect(WorkerSlots.onlyMember([`4:u1:${A}`, `4:u2:${A}`], `4:u1:${A}`)).toBe(false);
    expect(WorkerSlots.onlyMember([], `4:u1:${A}`)).toBe(false); // not advertised (yet, or any more)
    const state = { waiting: 0, members: [`4:u1:${A}`], reads: 0 };
    const depth = new QueueDepth(fakeQueue(state), 'bull:ufop:workers', undefined, 100);
    expect(depth.onlyWorker(`4:u1:${A}`)).toBe(false); // never read
    await depth.admit();
    depth.release();
    await settle();
    expect([depth.onlyWorker(`4:u1:${A}`), depth.onlyWorker(`4:u2:${A}`)]).toEqual([true, false]);
    later(1_000);
    // A quiet second: another worker may have come meanwhile.
    expect(depth.onlyWorker(`4:u1:${A}`)).toBe(false);
    state.members = [`4:u1:${A}`, `4:u2:${B}`];
    await depth.admit();
    depth.release();
    await settle();
    expect(depth.onlyWorker(`4:u1:${A}`)).toBe(false);
  });
});
