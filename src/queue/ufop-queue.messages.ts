export const queueNotRegisteredMessage = () =>
  'UFOP_MODE=queue needs the Bull queue that UfopModule.forRoot() and forRootAsync() register: import UfopModule through one of them';

export const roleNeedsQueueMessage = (role: string) =>
  `UFOP_ROLE=${role} needs queue mode: set REDIS_URL (or UFOP_MODE=queue), or use UFOP_ROLE=all`;
