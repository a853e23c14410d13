/** `qiniu-ufop/testing`: run handlers in-process in unit tests, without HTTP or Redis. */
export { createUfopTestApp } from './ufop-test-app';
export type { UfopTestApp, UfopTestAppOptions, UfopTestResponse } from './ufop-test-app';
