// The servers `npm run bench` measures, and how each is started: the baselines, the framework in inline mode, and
// the layouts of queue mode (on a Redis of the run's own, `store`, from redis-server.mjs).
import { printedBy, start } from './processes.mjs';
import { INLINE_RUNSERVER } from './queue-targets.mjs';

// The framework runs as production does: the build output (`npm run bench` builds first).

export const FRAMEWORK = ['dist/sample/main.js'];
export const CLI = 'dist/src/cli/main.js';

export const QUEUE = (store, key, over = 'tcp') => ({
  REDIS_URL: over === 'unix' ? `unix://${store.socket}` : store.url,
  UFOP_MODE: 'queue',
  UFOP_QUEUE_PREFIX: `ufop-bench-${process.pid}-${key}`,
});

export const SERVERS = [
  { name: 'node:http echo', start: async () => [await start(['bench/servers/raw-http.mjs'])] },
  { name: 'plain Express echo', start: async () => [await start(['bench/servers/express.mjs'])] },
  { name: 'qiniu-ufop inline', start: async () => [await start(FRAMEWORK, { UFOP_MODE: 'inline', REDIS_URL: '' })] },
  {
    // Inline mode run the way the runserver + runworker layout below is: two processes on this 2-core machine, so
    // that layout can also be compared with inline mode paying the same cost of more processes than cores.
    name: INLINE_RUNSERVER,
    start: async () => [
      await start(
        [CLI, 'runserver', '--processes', '2'],
        { UFOP_MODE: 'inline', REDIS_URL: '' },
        printedBy(2, 'listening on port (\\d+)'),
      ),
    ],
  },
  {
    name: 'qiniu-ufop queue, 1 process (web + worker)',
    queue: 'all',
    start: async (store) => [await start(FRAMEWORK, { ...QUEUE(store, 'all'), UFOP_ROLE: 'all' })],
  },
  {
    name: 'qiniu-ufop queue, 1 web + 1 worker process',
    queue: 'split1',
    // `variant` (bench:transits): the same layout on a queue of its own, with more variables.
    start: async (store, variant = {}) => {
      const env = { ...QUEUE(store, variant.queue ?? 'split1'), ...variant.env };
      const worker = await start(FRAMEWORK, { ...env, UFOP_ROLE: 'worker' }, /worker running/);
      return [await start(FRAMEWORK, { ...env, UFOP_ROLE: 'web' }), worker];
    },
  },
  {
    // Redis on the same machine, reached over its Unix socket instead of loopback TCP.
    name: 'qiniu-ufop queue, 1 process (web + worker), Redis over a Unix socket',
    queue: 'all-unix',
    unix: true,
    start: async (store) => [await start(FRAMEWORK, { ...QUEUE(store, 'all-unix', 'unix'), UFOP_ROLE: 'all' })],
  },
  {
    name: 'qiniu-ufop queue, 1 web + 1 worker process, Redis over a Unix socket',
    queue: 'split1-unix',
    unix: true,
    start: async (store) => {
      const env = QUEUE(store, 'split1-unix', 'unix');
      const worker = await start(FRAMEWORK, { ...env, UFOP_ROLE: 'worker' }, /worker running/);
      return [await start(FRAMEWORK, { ...env, UFOP_ROLE: 'web' }), worker];
    },
  },
  {
    // What a 2-core instance runs: `qiniu-ufop runserver` and `runworker`, one process per core each.
    name: 'qiniu-ufop queue, 2 web + 2 worker processes (runserver + runworker)',
    queue: 'split2',
    start: async (store, variant = {}) => {
      const env = { ...QUEUE(store, variant.queue ?? 'split2'), ...variant.env };
      const workers = await start([CLI, 'runworker', '--processes', '2'], env, printedBy(2, 'worker running'));
      return [
        await start([CLI, 'runserver', '--processes', '2'], env, printedBy(2, 'listening on port (\\d+)')),
        workers,
      ];
    },
  },
];
