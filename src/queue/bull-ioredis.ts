import { createRequire } from 'node:module';

/**
 * The ioredis that Bull's own connections use. It is a dependency of bull, not of qiniu-ufop: resolved through
 * bull, so that a connector or a check built on it is the very class Bull instantiates. Loaded on call, so that
 * an inline process never loads it.
 */
export function bullIoredis(): typeof import('ioredis') {
  return createRequire(require.resolve('bull'))('ioredis');
}
