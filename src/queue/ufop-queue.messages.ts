export const queueNotRegisteredMessage = () =>
  'UFOP_MODE=queue needs the Bull queue that UfopModule.forRoot() and forRootAsync() register: import UfopModule through one of them';

export const roleNeedsQueueMessage = (role: string) =>
  `UFOP_ROLE=${role} needs queue mode: set REDIS_URL (or UFOP_MODE=queue), or use UFOP_ROLE=all`;

/** A web process found no live worker slot in Redis: its jobs wait, and so do their requests. */
export const noWorkersMessage = (queue: string, timeoutMs: number) =>
  `no worker is taking jobs from queue ${queue}: none has advertised a job slot in Redis. Requests wait for one for up to ` +
  `${timeoutMs} ms (UFOP_HANDLER_TIMEOUT_MS), then get 504: start workers (qiniu-ufop runworker, or UFOP_ROLE=worker)`;

export const workersBackMessage = (queue: string, slots: number) =>
  `workers are taking jobs from queue ${queue} again: ${slots} job slots`;

/** The handler timeout came while the job was still waiting: no worker took it (it is removed). */
export const noWorkerTookMessage = (timeoutMs: number) =>
  `no worker took this job within ${timeoutMs} ms (UFOP_HANDLER_TIMEOUT_MS): the workers are busy or none is running`;
