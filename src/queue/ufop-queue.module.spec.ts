import type { Queue } from 'bull';
import { endBlockingWait, UfopQueueCloser } from './ufop-queue.module';

/** A Bull queue as far as closing touches it: `close`, and the blocking connection once made. */
function fakeQueue(blocking: boolean) {
  const calls: string[] = [];
  const queue: Record<string, unknown> = {
    close: jest.fn(() => {
      calls.push('close');
      return Promise.resolve();
    }),
  };
  if (blocking)
    Object.assign(queue, { bclientInitialized: true, bclient: { disconnect: () => calls.push('disconnect') } });
  // Bull makes its blocking connection on first read of `bclient`: reading it where none was made would open one.
  else Object.defineProperty(queue, 'bclient', { get: () => calls.push('bclient made') });
  return { queue: queue as unknown as Queue, calls };
}

describe('closing the queue', () => {
  it("disconnects a worker's blocking connection right after close has begun", async () => {
    const { queue, calls } = fakeQueue(true);
    await new UfopQueueCloser(queue).onApplicationShutdown();
    expect(calls).toEqual(['close', 'disconnect']);
  });

  it('opens no blocking connection where none was made (a web process)', async () => {
    const { queue, calls } = fakeQueue(false);
    endBlockingWait(queue);
    await new UfopQueueCloser(queue).onApplicationShutdown();
    expect(calls).toEqual(['close']);
  });

  it('does nothing in inline mode (no queue)', async () => {
    await expect(new UfopQueueCloser(undefined).onApplicationShutdown()).resolves.toBeUndefined();
  });
});
