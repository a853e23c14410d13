// The public API of qiniu-ufop. Anything not exported here is internal and may change.
export { UfopModule } from './ufop.module';
export { UfopFactory } from './ufop.factory';
export { UfopHandler } from './decorators/ufop-handler.decorator';
export { UfopInput } from './input/ufop-input';
export type { UfopInputInit } from './input/ufop-input';
export type { QiniuHeaders } from './input/qiniu-headers';
export { UfopResult } from './output/ufop-result';
export type { UfopResultBody } from './output/ufop-result';
export type { UfopResponse } from './output/ufop-response';
export {
  UfopError,
  UfopBadRequestError,
  UfopNotFoundError,
  UfopForbiddenError,
  UfopPayloadTooLargeError,
  UfopBadGatewayError,
  UfopTimeoutError,
  UfopUnavailableError,
  UfopRequestTimeoutError,
} from './errors/ufop.errors';
export type { UfopHealthCheck } from './interfaces/ufop-health-check.interface';
export type { UfopHandlerOptions } from './interfaces/ufop-handler-options.interface';
export type { UfopOptions, UfopModuleOptions, UfopMode, UfopRole } from './interfaces/ufop-options.interface';
export type { UfopExecutor, UfopInvocation } from './interfaces/ufop-executor.interface';
export { UfopDispatcher } from './execution/ufop.dispatcher';
export { resolveUfopOptions } from './config/ufop-options.factory';
export { UFOP_CONFIG, UFOP_EXECUTOR } from './ufop.constants';
export { runUfopCommand } from './execution/ufop.runner';
export type { UfopRunRequest, UfopRunResponse } from './execution/ufop.runner';
export { createUfopTestApp } from './testing/ufop-test-app';
export type { UfopTestApp, UfopTestAppOptions, UfopTestResponse } from './testing/ufop-test-app';
export { cpuCount } from './config/cpu-count';
export { UfopLogger, createUfopLogger } from './logging/ufop.logger';
export type { UfopLoggerOptions } from './logging/ufop.logger';
export type { EntryModule } from './ufop.factory';
export { UFOP_QUEUE } from './queue/ufop-queue.constants';
export { QueueExecutor } from './queue/queue.executor';
export { UfopQueueWorker } from './queue/ufop-queue.worker';
export { UfopStartupError } from './errors/ufop-startup.error';
export type { UfopJobData, UfopJobResult } from './queue/ufop-job';
