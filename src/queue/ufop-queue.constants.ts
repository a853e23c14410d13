/** The name the queue's provider is made from (the Bull queue's own name in Redis is `UFOP_QUEUE_NAME`, default `ufop`). */
export const UFOP_QUEUE = 'qiniu-ufop';
/**
 * The token of the Bull queue of queue mode (undefined in inline mode), to inspect jobs: `@Inject(UFOP_QUEUE_TOKEN)`.
 * The string `@nestjs/bull`'s `getQueueToken(UFOP_QUEUE)` makes, so its `@InjectQueue(UFOP_QUEUE)` finds it too.
 */
export const UFOP_QUEUE_TOKEN = `BullQueue_${UFOP_QUEUE}`;

export const DEFAULT_QUEUE_NAME = 'ufop';
/** Bull's own default, so a dashboard pointed at the Redis finds the queue without settings. */
export const DEFAULT_QUEUE_PREFIX = 'bull';
/** Completed jobs carry nothing worth keeping (their bytes are gone): drop them at once. */
export const DEFAULT_KEEP_COMPLETED_JOBS = 0;
/** Failed jobs keep their reason (and args) for inspection; the newest 100 are kept. */
export const DEFAULT_KEEP_FAILED_JOBS = 100;
/** Bull's default lock. */
export const DEFAULT_QUEUE_LOCK_MS = 30_000;
/**
 * The stalled-job check runs this often, or every half lock when the lock is shorter than 10 s. Each worker
 * process runs one short Lua script per interval (one `EXISTS` when another worker checked within the interval;
 * the full check, at most about once per interval for the whole queue, is O(active jobs)): 100 workers at 5 s are
 * 20 scripts/s. At most half the lock keeps a dead worker's job waiting at most lock + 2 intervals.
 */
export const DEFAULT_QUEUE_STALLED_CHECK_MS = 5_000;
export const defaultStalledCheckMs = (lockMs: number) =>
  Math.max(1, Math.min(DEFAULT_QUEUE_STALLED_CHECK_MS, Math.floor(lockMs / 2)));
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Where workers hand outputs to web processes of the same machine (`UFOP_HANDOFF_DIR`): memory, one folder per user.
 * Used only when /dev/shm exists (Linux); elsewhere outputs go through Redis.
 */
export const defaultHandoffDir = (uid = process.getuid?.()) =>
  uid === undefined ? '/dev/shm/qiniu-ufop' : `/dev/shm/qiniu-ufop-${uid}`;

/**
 * Extra lifetime of the input and output blobs past the handler timeout. They are deleted when the request
 * ends; the TTL only matters when a web process dies mid-request and nobody is left to delete them.
 */
export const BLOB_TTL_MARGIN_MS = 60_000;
