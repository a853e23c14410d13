export type UfopMode = 'inline' | 'queue';
export type UfopLogFormat = 'text' | 'json';
/** Nest's level names; `UFOP_LOG_LEVEL` also accepts `info` for `log`. A level enables itself and those above it. */
export type UfopLogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type UfopRole = 'all' | 'web' | 'worker';

/**
 * Everything the framework can be told. Each field has an environment variable (see `.env.example`);
 * a value passed to `UfopModule.forRoot()` wins over the environment, which wins over the default.
 */
export interface UfopOptions {
  /** `PORT`, else `PORT_HTTP`, else 9100. */
  port: number;
  /** `UFOP_MODE`: `queue` when `REDIS_URL` or `REDIS_SENTINELS` is set, else `inline`. */
  mode: UfopMode;
  /** `UFOP_ROLE`: `all` serves HTTP and processes in one process. */
  role: UfopRole;
  /** `UFOP_NAME`: when set, a cmd whose first segment differs is refused with 400. */
  ufopName?: string;
  /** `UFOP_MAX_BODY_BYTES`: cap on the request body and on a downloaded source. */
  maxBodyBytes: number;
  /** `UFOP_FETCH_TIMEOUT_MS`: total time allowed to download a `url` source, connect included. */
  fetchTimeoutMs: number;
  /** `UFOP_FETCH_MAX_REDIRECTS`: redirects followed when downloading a `url` source. */
  fetchMaxRedirects: number;
  /** `UFOP_HANDLER_TIMEOUT_MS`: time allowed to a handler (in queue mode: to the whole job). */
  handlerTimeoutMs: number;
  /** `UFOP_ALLOW_PRIVATE_URLS=true`: allow loopback, private, link-local and metadata addresses. */
  allowPrivateUrls: boolean;
  /** `UFOP_URL_ALLOWLIST`: host patterns (`cdn.example.com`, `*.qiniu.com`); empty means any public host. */
  urlAllowlist: string[];
  /** `REDIS_URL`: the Redis that queue mode uses. */
  redisUrl?: string;
  /** `REDIS_SENTINELS` (`host:port,host:port,…`): queue mode uses the master these Sentinels name, instead of `REDIS_URL`. */
  redisSentinels?: string[];
  /** `REDIS_SENTINEL_NAME`: the master group name the sentinels monitor. Default `mymaster`. */
  redisSentinelName?: string;
  /** `REDIS_PASSWORD`: password of the Sentinel-managed master and replicas (with `REDIS_URL`, put it in the URL). */
  redisPassword?: string;
  /** `REDIS_SENTINEL_PASSWORD`: password of the sentinels themselves (their `requirepass`), if any. */
  redisSentinelPassword?: string;
  /** `UFOP_CONCURRENCY`: jobs one worker process runs at once; default `defaultConcurrency()`: 2 × `cpuCount()` ÷ `UFOP_PROCESSES`. */
  concurrency: number;
  /** `UFOP_MAX_WAITING`: inline mode only; requests waiting for one of the `concurrency` slots before new ones get 503. */
  maxWaiting: number;
  /** `UFOP_QUEUE_NAME`: the Bull queue every web and worker process of one service shares. Default `ufop`. */
  queueName: string;
  /** `UFOP_QUEUE_PREFIX`: prefix of every Redis key of the queue and its blobs. Default `bull`. */
  queuePrefix: string;
  /** `UFOP_QUEUE_KEEP_COMPLETED`: completed jobs kept in Redis for inspection. Default 0. */
  keepCompletedJobs: number;
  /** `UFOP_QUEUE_KEEP_FAILED`: failed jobs kept in Redis for inspection. Default 100. */
  keepFailedJobs: number;
  /** `UFOP_QUEUE_LOCK_MS`: a job whose worker stops renewing its lock this long is re-run by another worker. Default 30000. */
  queueLockMs: number;
  /**
   * `UFOP_QUEUE_STALLED_CHECK_MS`: how often workers look for jobs whose lock lapsed. A dead worker's job is re-run
   * at most `queueLockMs` + 2 × this after the death. Default 5000, or half the lock when that is shorter.
   */
  queueStalledCheckMs: number;
  /** `UFOP_REDIS_CONNECT_TIMEOUT_MS`: how long a queue-mode process waits for Redis at boot before it exits. Default 10000. */
  redisConnectTimeoutMs: number;
  /** `UFOP_METRICS_PORT`: serve Prometheus metrics at `/metrics` on this port; unset means no metrics listener. */
  metricsPort?: number;
  /** `UFOP_ADMIN_TOKEN`: enables the `_ufop/stats` and `_ufop/logs` commands for whoever knows it; unset: they do not exist. */
  adminToken?: string;
  /** `UFOP_DASHBOARD_PORT`: serve the queue dashboard (bull-board, queue mode) on this port; needs user and password. */
  dashboardPort?: number;
  /** `UFOP_DASHBOARD_USER`: basic-auth user of the dashboard. */
  dashboardUser?: string;
  /** `UFOP_DASHBOARD_PASSWORD`: basic-auth password of the dashboard. */
  dashboardPassword?: string;
  /**
   * Log settings. The logger exists before the module, so these come from the environment and `.env` only (an explicit value
   * in `forRoot()` is ignored by the logger): `UFOP_LOG_FORMAT` (default `text`), `UFOP_LOG_LEVEL` (default `log`),
   * `UFOP_LOG_DIR` (files; unset: stdout only), `UFOP_LOG_MAX_BYTES` (default 10 MiB) and `UFOP_LOG_FILES`
   * (files kept per log, the current one included; default 5).
   */
  logFormat: UfopLogFormat;
  logLevel: UfopLogLevel;
  logDir?: string;
  logMaxBytes: number;
  logFiles: number;
  /**
   * `UFOP_MAX_INFLIGHT_BYTES`: input bytes one process may hold in memory at once (in queue mode: in memory or
   * parked in Redis). Default: a quarter of the instance's memory (FLAVOR, else the cgroup limit, else total
   * memory) divided among the processes of `runserver`/`runworker`. Past it new requests get 503.
   */
  maxInflightBytes: number;
  /** `UFOP_SPILL_BYTES`: inputs larger than this are kept in a temp file instead of memory. Default 8 MiB. */
  spillBytes: number;
  /** `UFOP_TMP_DIR`: where spilled inputs and handlers' temp files go. Default: the OS temp folder. */
  tmpDir: string;
  /**
   * `UFOP_HANDOFF_DIR`: queue mode; the folder through which a web process and the workers that use the same folder
   * (one machine) hand each other inputs and outputs of 32 KiB to 2 MiB held in memory, instead of Redis (see
   * `HostHandoff`). Default `/dev/shm/qiniu-ufop-<uid>` where /dev/shm exists; `off`: the bytes go through Redis.
   */
  handoffDir?: string;
  /** `UFOP_MAX_DISK_BYTES`: temp-file bytes one process may hold at once. Default: half the free space at boot, divided among processes. */
  maxDiskBytes: number;
  /** `UFOP_HEADERS_TIMEOUT_MS`: time a client has to send its request headers. Default 20000. */
  headersTimeoutMs: number;
  /** `UFOP_BODY_TIMEOUT_MS`: time a client has to send the whole body, once its headers are in; then 408. Default 60000. */
  bodyTimeoutMs: number;
  /** `UFOP_KEEPALIVE_TIMEOUT_MS`: an idle keep-alive connection is closed after this. Default 5000. */
  keepAliveTimeoutMs: number;
  /** `UFOP_IDLE_TIMEOUT_MS`: a connection silent this long (outside a handler's run) is closed. Default 60000. */
  idleTimeoutMs: number;
  /** `UFOP_MAX_CONNECTIONS`: open connections one process accepts. Default 1024. */
  maxConnections: number;
  /**
   * `UFOP_HEAP_GROWING_PERCENT`: V8 may let the old generation grow this many percent past the live heap before a
   * full collection (V8's `--heap-growing-percent`, set when the application starts). Default 300 (4×, the most
   * V8 chooses by itself): requests' short-lived buffers then die in cheap young-generation collections instead of
   * starting full ones. 0 leaves it to V8; a `--heap-growing-percent` given to node wins.
   */
  heapGrowingPercent: number;
  /**
   * `UFOP_MAX_QUEUED`: queue mode; jobs waiting for a worker before a web process refuses new requests with 503,
   * before storing their input. Default (unset): one per job slot of the live workers (each worker advertises its
   * `UFOP_CONCURRENCY` in Redis), never fewer than `UFOP_MAX_WAITING` (100).
   */
  maxQueued?: number;
  /**
   * `UFOP_PLAYGROUND`: serve the debugging page at `GET /_ufop/playground`. Default: on under `npm run start:dev`,
   * off otherwise, and never with `NODE_ENV=production` unless set explicitly.
   */
  playground: boolean;
}

export type UfopModuleOptions = Partial<UfopOptions>;
