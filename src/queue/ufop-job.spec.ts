import { decodeFailure, encodeFailure, UfopBlobKeys, WORKER_LOST_MESSAGE } from './ufop-job';
import { ufopQueueOptions, redactRedisUrl } from './ufop-queue.options';
import { resolveUfopOptions } from '../config/ufop-options.factory';

describe('queue job encoding', () => {
  it('carries a handler failure status and message through Bull failed reason', () => {
    const reason = encodeFailure(418, 'teapot').message;
    const decoded = decodeFailure(reason);
    expect([decoded.status, decoded.message]).toEqual([418, 'teapot']);
  });

  it('turns Bull own reasons into a 503 for a lost worker, anything else into a bare 500', () => {
    expect(decodeFailure('job stalled more than allowable limit')).toMatchObject({
      status: 503,
      message: WORKER_LOST_MESSAGE,
    });
    expect(decodeFailure('Missing process handler for job type x')).toMatchObject({
      status: 500,
      message: 'internal error',
    });
    expect(decodeFailure(undefined)).toMatchObject({ status: 500 });
  });

  it('names blobs under the queue prefix', () => {
    const keys = new UfopBlobKeys('bull', 'ufop');
    expect([keys.input('j1'), keys.output('j1'), keys.pattern()]).toEqual([
      'bull:ufop:blob:j1:in',
      'bull:ufop:blob:j1:out',
      'bull:ufop:blob:*',
    ]);
  });
});

describe('ufopQueueOptions', () => {
  it('maps the settings onto Bull: retention, lock and stalled check, one attempt', () => {
    const options = ufopQueueOptions(
      resolveUfopOptions(
        {},
        { REDIS_URL: 'redis://r:6380/2', UFOP_QUEUE_KEEP_FAILED: '5', UFOP_QUEUE_LOCK_MS: '2000' },
      ),
    );
    expect(options).toMatchObject({
      name: 'ufop',
      url: 'redis://r:6380/2',
      prefix: 'bull',
      settings: { lockDuration: 2000, stalledInterval: 1000, maxStalledCount: 1 },
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: 5 },
    });
  });

  it('hides the password in messages', () => {
    expect(redactRedisUrl('redis://user:secret@h:6379/0')).toBe('redis://user:***@h:6379/0');
    expect(redactRedisUrl('redis://h:6379')).toBe('redis://h:6379');
  });
});
