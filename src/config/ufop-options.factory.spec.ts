import { resolveUfopOptions } from './ufop-options.factory';

describe('resolveUfopOptions', () => {
  it('has documented defaults', () => {
    expect(resolveUfopOptions({}, {})).toMatchObject({
      port: 9100,
      mode: 'inline',
      role: 'all',
      ufopName: undefined,
      maxBodyBytes: 20 * 1024 * 1024,
      fetchTimeoutMs: 30_000,
      fetchMaxRedirects: 5,
      handlerTimeoutMs: 120_000,
      allowPrivateUrls: false,
      urlAllowlist: [],
      maxWaiting: 100,
    });
  });

  it('derives the byte budgets from the instance: a quarter of its memory and half the free disk, per process', () => {
    const GiB = 1024 ** 3;
    const probe = {
      memoryBytes: (env: Record<string, string | undefined>) => (env.FLAVOR === 'C1M1' ? GiB : 8 * GiB),
      freeDiskBytes: () => 40 * GiB,
    };
    expect(resolveUfopOptions({}, { FLAVOR: 'C1M1' }, probe)).toMatchObject({
      maxInflightBytes: GiB / 4,
      maxDiskBytes: 20 * GiB,
      spillBytes: 8 * 1024 * 1024,
      headersTimeoutMs: 20_000,
      bodyTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
      maxConnections: 1024,
    });
    // runserver tells each of its processes how many share the instance.
    expect(resolveUfopOptions({}, { UFOP_PROCESSES: '4' }, probe)).toMatchObject({
      maxInflightBytes: GiB / 2,
      maxDiskBytes: 5 * GiB,
    });
    expect(
      resolveUfopOptions(
        {},
        { UFOP_MAX_INFLIGHT_BYTES: '1000', UFOP_MAX_DISK_BYTES: '2000', UFOP_SPILL_BYTES: '0' },
        probe,
      ),
    ).toMatchObject({ maxInflightBytes: 1000, maxDiskBytes: 2000, spillBytes: 0 });
    expect(() => resolveUfopOptions({}, { UFOP_MAX_INFLIGHT_BYTES: '1e9' }, probe)).toThrow(/UFOP_MAX_INFLIGHT_BYTES/);
  });

  it('takes PORT, else PORT_HTTP, else 9100', () => {
    expect(resolveUfopOptions({}, { PORT: '8080', PORT_HTTP: '7070' }).port).toBe(8080);
    expect(resolveUfopOptions({}, { PORT_HTTP: '7070' }).port).toBe(7070);
  });

  it('defaults to queue mode when REDIS_URL is set', () => {
    expect(resolveUfopOptions({}, { REDIS_URL: 'redis://127.0.0.1:6379' }).mode).toBe('queue');
    expect(resolveUfopOptions({}, { REDIS_URL: 'redis://x', UFOP_MODE: 'inline' }).mode).toBe('inline');
  });

  it('reads every variable, and explicit options win over the environment', () => {
    const env = {
      UFOP_NAME: 'thumb',
      UFOP_MAX_BODY_BYTES: '10',
      UFOP_FETCH_TIMEOUT_MS: '11',
      UFOP_FETCH_MAX_REDIRECTS: '0',
      UFOP_HANDLER_TIMEOUT_MS: '12',
      UFOP_ALLOW_PRIVATE_URLS: 'TRUE',
      UFOP_URL_ALLOWLIST: ' a.com, *.B.com ,',
      UFOP_ROLE: 'web',
      UFOP_CONCURRENCY: '7',
      UFOP_MAX_WAITING: '0',
    };
    expect(resolveUfopOptions({}, env)).toMatchObject({
      ufopName: 'thumb',
      maxBodyBytes: 10,
      fetchTimeoutMs: 11,
      fetchMaxRedirects: 0,
      handlerTimeoutMs: 12,
      allowPrivateUrls: true,
      urlAllowlist: ['a.com', '*.b.com'],
      role: 'web',
      concurrency: 7,
      maxWaiting: 0,
    });
    expect(resolveUfopOptions({ maxBodyBytes: 99, ufopName: 'x' }, env)).toMatchObject({
      maxBodyBytes: 99,
      ufopName: 'x',
    });
  });

  describe('playground (UFOP_PLAYGROUND)', () => {
    const playground = (env: Record<string, string>, explicit = {}) => resolveUfopOptions(explicit, env).playground;

    it('is off by default and on under npm run start:dev', () => {
      expect(playground({})).toBe(false);
      expect(playground({ npm_lifecycle_event: 'start' })).toBe(false);
      expect(playground({ npm_lifecycle_event: 'start:dev' })).toBe(true);
    });

    it('is never on by default with NODE_ENV=production, even under start:dev', () => {
      expect(playground({ npm_lifecycle_event: 'start:dev', NODE_ENV: 'production' })).toBe(false);
      expect(playground({ npm_lifecycle_event: 'start:dev', NODE_ENV: 'Production' })).toBe(false);
    });

    it('follows UFOP_PLAYGROUND when it is set, in production too, and explicit options over both', () => {
      expect(playground({ UFOP_PLAYGROUND: 'true', NODE_ENV: 'production' })).toBe(true);
      expect(playground({ UFOP_PLAYGROUND: 'false', npm_lifecycle_event: 'start:dev' })).toBe(false);
      expect(playground({ UFOP_PLAYGROUND: 'true' }, { playground: false })).toBe(false);
      expect(() => playground({ UFOP_PLAYGROUND: 'sometimes' })).toThrow(/Invalid UFOP_PLAYGROUND/);
    });
  });

  it('accepts a lookup function such as ConfigService.get', () => {
    expect(resolveUfopOptions({}, (name) => (name === 'PORT' ? '1234' : undefined)).port).toBe(1234);
  });

  it('stops the boot on a bad value, naming the variable', () => {
    expect(() => resolveUfopOptions({}, { UFOP_MAX_BODY_BYTES: '10MB' })).toThrow(/Invalid UFOP_MAX_BODY_BYTES="10MB"/);
    expect(() => resolveUfopOptions({}, { UFOP_MODE: 'celery' })).toThrow(/UFOP_MODE.*inline, queue/);
    expect(() => resolveUfopOptions({}, { UFOP_ALLOW_PRIVATE_URLS: 'maybe' })).toThrow(/UFOP_ALLOW_PRIVATE_URLS/);
    expect(() => resolveUfopOptions({}, { PORT: '70000' })).toThrow(/Invalid port/);
  });

  describe('queue settings', () => {
    it('have documented defaults', () => {
      expect(resolveUfopOptions({}, { CPU_COUNT: '3' })).toMatchObject({
        concurrency: 6, // two per CPU
        queueName: 'ufop',
        queuePrefix: 'bull',
        keepCompletedJobs: 0,
        keepFailedJobs: 100,
        queueLockMs: 30_000,
        queueStalledCheckMs: 5_000,
        redisConnectTimeoutMs: 10_000,
      });
    });

    it('check for stalled jobs every 5 s, or every half lock when the lock is shorter', () => {
      expect(resolveUfopOptions({}, { UFOP_QUEUE_LOCK_MS: '60000' }).queueStalledCheckMs).toBe(5000);
      expect(resolveUfopOptions({}, { UFOP_QUEUE_LOCK_MS: '3000' }).queueStalledCheckMs).toBe(1500);
      expect(resolveUfopOptions({ queueLockMs: 1001 }, {}).queueStalledCheckMs).toBe(500);
      expect(resolveUfopOptions({}, { UFOP_QUEUE_LOCK_MS: '1' }).queueStalledCheckMs).toBe(1);
      expect(
        resolveUfopOptions({}, { UFOP_QUEUE_LOCK_MS: '3000', UFOP_QUEUE_STALLED_CHECK_MS: '9000' }).queueStalledCheckMs,
      ).toBe(9000);
    });

    it('size concurrency from UFOP_CONCURRENCY, else two per CPU (CPU_COUNT, else FLAVOR) shared by UFOP_PROCESSES', () => {
      expect(resolveUfopOptions({}, { UFOP_CONCURRENCY: '7', CPU_COUNT: '3' }).concurrency).toBe(7);
      expect(resolveUfopOptions({}, { CPU_COUNT: '3', FLAVOR: 'C8M16' }).concurrency).toBe(6);
      expect(resolveUfopOptions({}, { FLAVOR: 'C8M16' }).concurrency).toBe(16);
      expect(resolveUfopOptions({}, { FLAVOR: 'C8M16', UFOP_PROCESSES: '8' }).concurrency).toBe(2);
      expect(resolveUfopOptions({ concurrency: 2 }, { UFOP_CONCURRENCY: '7' }).concurrency).toBe(2);
    });

    it('read every variable', () => {
      const env = {
        UFOP_QUEUE_NAME: 'thumbs',
        UFOP_QUEUE_PREFIX: 'svc',
        UFOP_QUEUE_KEEP_COMPLETED: '10',
        UFOP_QUEUE_KEEP_FAILED: '0',
        UFOP_QUEUE_LOCK_MS: '5000',
        UFOP_QUEUE_STALLED_CHECK_MS: '700',
        UFOP_REDIS_CONNECT_TIMEOUT_MS: '2000',
      };
      expect(resolveUfopOptions({}, env)).toMatchObject({
        queueName: 'thumbs',
        queuePrefix: 'svc',
        keepCompletedJobs: 10,
        keepFailedJobs: 0,
        queueLockMs: 5000,
        queueStalledCheckMs: 700,
        redisConnectTimeoutMs: 2000,
      });
    });

    it('refuse bad numbers with the variable name', () => {
      expect(() => resolveUfopOptions({}, { UFOP_CONCURRENCY: '0' })).toThrow(/UFOP_CONCURRENCY/);
      expect(() => resolveUfopOptions({}, { UFOP_QUEUE_LOCK_MS: 'soon' })).toThrow(/UFOP_QUEUE_LOCK_MS/);
      expect(() => resolveUfopOptions({}, { UFOP_QUEUE_STALLED_CHECK_MS: '0' })).toThrow(/UFOP_QUEUE_STALLED_CHECK_MS/);
      expect(() => resolveUfopOptions({}, { UFOP_QUEUE_KEEP_FAILED: '-1' })).toThrow(/UFOP_QUEUE_KEEP_FAILED/);
    });
  });

  describe('observability options', () => {
    it('have documented defaults: no metrics, no admin commands, no dashboard, text logs at log level, 10 MiB × 5', () => {
      expect(resolveUfopOptions({}, {})).toMatchObject({
        metricsPort: undefined,
        adminToken: undefined,
        dashboardPort: undefined,
        logFormat: 'text',
        logLevel: 'log',
        logDir: undefined,
        logMaxBytes: 10 * 1024 * 1024,
        logFiles: 5,
      });
    });

    it('read every variable', () => {
      const env = {
        UFOP_METRICS_PORT: '9464',
        UFOP_ADMIN_TOKEN: 'a'.repeat(32),
        UFOP_DASHBOARD_PORT: '3000',
        UFOP_DASHBOARD_USER: 'ops',
        UFOP_DASHBOARD_PASSWORD: 'secret',
        UFOP_LOG_FORMAT: 'JSON',
        UFOP_LOG_LEVEL: 'debug',
        UFOP_LOG_DIR: '/var/log',
        UFOP_LOG_MAX_BYTES: '1048576',
        UFOP_LOG_FILES: '3',
      };
      expect(resolveUfopOptions({}, env)).toMatchObject({
        metricsPort: 9464,
        adminToken: 'a'.repeat(32),
        dashboardPort: 3000,
        dashboardUser: 'ops',
        dashboardPassword: 'secret',
        logFormat: 'json',
        logLevel: 'debug',
        logDir: '/var/log',
        logMaxBytes: 1048576,
        logFiles: 3,
      });
      expect(resolveUfopOptions({}, { UFOP_LOG_LEVEL: 'info' }).logLevel).toBe('log');
    });

    it('refuse bad values with the variable name', () => {
      expect(() => resolveUfopOptions({}, { UFOP_LOG_FORMAT: 'xml' })).toThrow(/UFOP_LOG_FORMAT.*text, json/);
      expect(() => resolveUfopOptions({}, { UFOP_LOG_LEVEL: 'loud' })).toThrow(/UFOP_LOG_LEVEL/);
      expect(() => resolveUfopOptions({}, { UFOP_LOG_MAX_BYTES: '10' })).toThrow(/UFOP_LOG_MAX_BYTES.*>= 1024/);
      expect(() => resolveUfopOptions({}, { UFOP_LOG_FILES: '0' })).toThrow(/UFOP_LOG_FILES/);
      expect(() => resolveUfopOptions({}, { UFOP_METRICS_PORT: '70000' })).toThrow(/UFOP_METRICS_PORT/);
      expect(() => resolveUfopOptions({}, { UFOP_ADMIN_TOKEN: 'short' })).toThrow(/UFOP_ADMIN_TOKEN is too short/);
      expect(() => resolveUfopOptions({}, { UFOP_ADMIN_TOKEN: 'has/slash/'.repeat(3) })).toThrow(
        /UFOP_ADMIN_TOKEN may hold only/,
      );
    });

    it('refuse a dashboard without basic-auth credentials', () => {
      expect(() => resolveUfopOptions({}, { UFOP_DASHBOARD_PORT: '3000', UFOP_DASHBOARD_USER: 'ops' })).toThrow(
        /UFOP_DASHBOARD_PORT is set but UFOP_DASHBOARD_USER or UFOP_DASHBOARD_PASSWORD is not/,
      );
    });
  });
});
