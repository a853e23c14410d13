/**
 * The public API of qiniu-ufop: what an application writes against. Anything not exported here (or from
 * `qiniu-ufop/testing`) is internal and may change in any release.
 */

/** The module to import once in the root module: `UfopModule.forRoot(options?)`, settings from the environment. */
export { UfopModule } from './ufop.module';
/** Starts the service (`UfopFactory.bootstrap(AppModule)`) or creates the application for an e2e test (`create`). */
export { UfopFactory } from './ufop.factory';
export type { EntryModule } from './ufop.factory';
/** Marks a provider method as the handler of a route of the cmd: `@UfopHandler('thumb/:width/:height?')`. */
export { UfopHandler } from './decorators/ufop-handler.decorator';
export type { UfopHandlerOptions } from './interfaces/ufop-handler-options.interface';
/** A handler's first parameter: the source bytes (memory or temp file), its type, the cmd, Qiniu's headers. */
export { UfopInput } from './input/ufop-input';
export type { QiniuHeaders } from './input/qiniu-headers';
/** A result with its own content type, status or headers: `UfopResult.of(bytes, 'image/png')`. */
export { UfopResult } from './output/ufop-result';
export type { UfopResultBody } from './output/ufop-result';
/** Errors a handler throws to answer `{"error": message}` with a status (400, 404, 403, 413, 502, 504, 503, 408). */
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
/** A boot failure for the operator (a bad setting of yours, say): `UfopFactory.bootstrap` prints one line, exits 1. */
export { UfopStartupError } from './errors/ufop-startup.error';
/** Implemented by any provider whose dependencies `GET /health` should check. */
export type { UfopHealthCheck } from './interfaces/ufop-health-check.interface';
/** The settings (`UfopModule.forRoot(options)`), and the token to inject the resolved ones: `@Inject(UFOP_CONFIG)`. */
export type { UfopOptions, UfopModuleOptions, UfopMode, UfopRole } from './interfaces/ufop-options.interface';
export { UFOP_CONFIG } from './ufop.constants';
/** The Bull queue of queue mode, for dashboards or metrics: `@Optional() @Inject(UFOP_QUEUE_TOKEN) queue?: Queue` (undefined inline). */
export { UFOP_QUEUE_TOKEN } from './queue/ufop-queue.constants';
/** The logger `UfopFactory` installs (text or JSON lines, request ids); for applications started another way. */
export { UfopLogger } from './logging/ufop.logger';
export type { UfopLoggerOptions } from './logging/ufop.logger';
