import {
  DEFAULT_FETCH_MAX_REDIRECTS,
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_LOG_FILES,
  DEFAULT_LOG_MAX_BYTES,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_WAITING,
  DEFAULT_PORT,
  DEFAULT_SPILL_BYTES,
  DEFAULT_INFLIGHT_MEMORY_SHARE,
  DEFAULT_DISK_SHARE,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_HEAP_GROWING_PERCENT,
} from '../ufop.constants';
import { existsSync, statfsSync } from 'node:fs';
import { UfopStartupError } from '../errors/ufop-startup.error';
import { isUnixSocketUrl, parseUnixSocketUrl } from '../queue/redis-topology';
import { tmpdir } from 'node:os';
import { instanceMemoryBytes } from './memory-size';
import {
  DEFAULT_KEEP_COMPLETED_JOBS,
  DEFAULT_KEEP_FAILED_JOBS,
  DEFAULT_QUEUE_LOCK_MS,
  DEFAULT_QUEUE_NAME,
  DEFAULT_QUEUE_PREFIX,
  defaultHandoffDir,
  DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
  defaultStalledCheckMs,
} from '../queue/ufop-queue.constants';
import { cpuCount, defaultConcurrency } from './cpu-count';
import { UfopLogLevel, UfopMode, UfopModuleOptions, UfopOptions, UfopRole } from '../interfaces/ufop-options.interface';

/** The environment: a record such as `process.env`, or a lookup such as `ConfigService.get`. */
export type EnvSource = Record<string, string | undefined> | ((name: string) => string | undefined);
type Env = (name: string) => string | undefined;

/** What the machine has, for the defaults derived from it; tests pass fixed values. */
export interface MachineProbe {
  /** The instance's memory: FLAVOR, else the cgroup limit, else total memory. */
  memoryBytes(env: Record<string, string | undefined>): number;
  /** Free bytes of the filesystem holding `dir`, or undefined when it cannot be read. */
  freeDiskBytes(dir: string): number | undefined;
}

export const systemProbe: MachineProbe = {
  memoryBytes: (env) => instanceMemoryBytes(env),
  freeDiskBytes: (dir) => {
    try {
      const stats = statfsSync(dir);
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  },
};

/** The smallest default budgets: below these a process could not take one ordinary image. */
const MIN_DEFAULT_INFLIGHT_BYTES = 32 * 1024 * 1024;
const MIN_DEFAULT_DISK_BYTES = 256 * 1024 * 1024;

/**
 * Resolves the options from explicit values, then the environment, then defaults.
 * Pure, so that every rule here is unit-tested; a bad value stops the boot with the variable's name.
 */
export function resolveUfopOptions(
  explicit: UfopModuleOptions = {},
  source: EnvSource = process.env,
  probe: MachineProbe = systemProbe,
): UfopOptions {
  const env: Env = typeof source === 'function' ? source : (name) => source[name];
  const redisUrl = explicit.redisUrl ?? nonEmpty(env('REDIS_URL'));
  const redisSentinels = explicit.redisSentinels ?? listVar(env('REDIS_SENTINELS'));
  if (redisUrl && redisSentinels.length > 0) {
    throw new UfopStartupError(
      "Set REDIS_URL or REDIS_SENTINELS, not both: with Sentinel the master's address comes from the sentinels",
    );
  }
  // Bull never sees a Unix socket's URL (the framework reads it): a mistake in one stops the boot here, by name.
  if (redisUrl && isUnixSocketUrl(redisUrl)) {
    try {
      parseUnixSocketUrl(redisUrl);
    } catch (error) {
      throw new UfopStartupError((error as Error).message);
    }
  }
  const queueLockMs = explicit.queueLockMs ?? intVar(env, 'UFOP_QUEUE_LOCK_MS') ?? DEFAULT_QUEUE_LOCK_MS;
  // Budgets are per process: runserver and runworker tell each process how many of them share the instance.
  const processes = intVar(env, 'UFOP_PROCESSES') ?? 1;
  const tmpDir = explicit.tmpDir ?? nonEmpty(env('UFOP_TMP_DIR')) ?? tmpdir();
  const options: UfopOptions = {
    port: explicit.port ?? intVar(env, 'PORT', 0) ?? intVar(env, 'PORT_HTTP', 0) ?? DEFAULT_PORT,
    mode: explicit.mode ?? modeFrom(env, redisUrl, redisSentinels),
    role: explicit.role ?? oneOf<UfopRole>(env, 'UFOP_ROLE', ['all', 'web', 'worker'] as const) ?? 'all',
    ufopName: explicit.ufopName ?? nonEmpty(env('UFOP_NAME')),
    maxBodyBytes: explicit.maxBodyBytes ?? intVar(env, 'UFOP_MAX_BODY_BYTES') ?? DEFAULT_MAX_BODY_BYTES,
    fetchTimeoutMs: explicit.fetchTimeoutMs ?? intVar(env, 'UFOP_FETCH_TIMEOUT_MS') ?? DEFAULT_FETCH_TIMEOUT_MS,
    fetchMaxRedirects:
      explicit.fetchMaxRedirects ?? intVar(env, 'UFOP_FETCH_MAX_REDIRECTS', 0) ?? DEFAULT_FETCH_MAX_REDIRECTS,
    handlerTimeoutMs: explicit.handlerTimeoutMs ?? intVar(env, 'UFOP_HANDLER_TIMEOUT_MS') ?? DEFAULT_HANDLER_TIMEOUT_MS,
    allowPrivateUrls: explicit.allowPrivateUrls ?? boolVar(env, 'UFOP_ALLOW_PRIVATE_URLS') ?? false,
    urlAllowlist: explicit.urlAllowlist ?? listVar(env('UFOP_URL_ALLOWLIST')),
    redisUrl,
    redisSentinels: redisSentinels.length ? redisSentinels : undefined,
    redisSentinelName: explicit.redisSentinelName ?? nonEmpty(env('REDIS_SENTINEL_NAME')),
    redisPassword: explicit.redisPassword ?? nonEmpty(env('REDIS_PASSWORD')),
    redisSentinelPassword: explicit.redisSentinelPassword ?? nonEmpty(env('REDIS_SENTINEL_PASSWORD')),
    concurrency:
      explicit.concurrency ??
      intVar(env, 'UFOP_CONCURRENCY') ??
      defaultConcurrency(cpuCount({ CPU_COUNT: env('CPU_COUNT'), FLAVOR: env('FLAVOR') }), processes),
    maxWaiting: explicit.maxWaiting ?? intVar(env, 'UFOP_MAX_WAITING', 0) ?? DEFAULT_MAX_WAITING,
    queueName: explicit.queueName ?? nonEmpty(env('UFOP_QUEUE_NAME')) ?? DEFAULT_QUEUE_NAME,
    queuePrefix: explicit.queuePrefix ?? nonEmpty(env('UFOP_QUEUE_PREFIX')) ?? DEFAULT_QUEUE_PREFIX,
    keepCompletedJobs:
      explicit.keepCompletedJobs ?? intVar(env, 'UFOP_QUEUE_KEEP_COMPLETED', 0) ?? DEFAULT_KEEP_COMPLETED_JOBS,
    keepFailedJobs: explicit.keepFailedJobs ?? intVar(env, 'UFOP_QUEUE_KEEP_FAILED', 0) ?? DEFAULT_KEEP_FAILED_JOBS,
    queueLockMs,
    queueStalledCheckMs:
      explicit.queueStalledCheckMs ?? intVar(env, 'UFOP_QUEUE_STALLED_CHECK_MS') ?? defaultStalledCheckMs(queueLockMs),
    redisConnectTimeoutMs:
      explicit.redisConnectTimeoutMs ??
      intVar(env, 'UFOP_REDIS_CONNECT_TIMEOUT_MS') ??
      DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
    metricsPort: explicit.metricsPort ?? intVar(env, 'UFOP_METRICS_PORT', 0),
    adminToken: explicit.adminToken ?? nonEmpty(env('UFOP_ADMIN_TOKEN')),
    dashboardPort: explicit.dashboardPort ?? intVar(env, 'UFOP_DASHBOARD_PORT', 0),
    dashboardUser: explicit.dashboardUser ?? nonEmpty(env('UFOP_DASHBOARD_USER')),
    dashboardPassword: explicit.dashboardPassword ?? nonEmpty(env('UFOP_DASHBOARD_PASSWORD')),
    ...resolveLogOptions(explicit, env),
    maxInflightBytes:
      explicit.maxInflightBytes ??
      intVar(env, 'UFOP_MAX_INFLIGHT_BYTES') ??
      Math.max(
        MIN_DEFAULT_INFLIGHT_BYTES,
        Math.floor((probe.memoryBytes({ FLAVOR: env('FLAVOR') }) * DEFAULT_INFLIGHT_MEMORY_SHARE) / processes),
      ),
    spillBytes: explicit.spillBytes ?? intVar(env, 'UFOP_SPILL_BYTES', 0) ?? DEFAULT_SPILL_BYTES,
    tmpDir,
    handoffDir: handoffDirOption(explicit.handoffDir ?? nonEmpty(env('UFOP_HANDOFF_DIR'))),
    maxDiskBytes:
      explicit.maxDiskBytes ??
      intVar(env, 'UFOP_MAX_DISK_BYTES') ??
      Math.max(
        MIN_DEFAULT_DISK_BYTES,
        Math.floor(((probe.freeDiskBytes(tmpDir) ?? 0) * DEFAULT_DISK_SHARE) / processes),
      ),
    headersTimeoutMs: explicit.headersTimeoutMs ?? intVar(env, 'UFOP_HEADERS_TIMEOUT_MS') ?? DEFAULT_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: explicit.bodyTimeoutMs ?? intVar(env, 'UFOP_BODY_TIMEOUT_MS') ?? DEFAULT_BODY_TIMEOUT_MS,
    keepAliveTimeoutMs:
      explicit.keepAliveTimeoutMs ?? intVar(env, 'UFOP_KEEPALIVE_TIMEOUT_MS') ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    idleTimeoutMs: explicit.idleTimeoutMs ?? intVar(env, 'UFOP_IDLE_TIMEOUT_MS') ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxConnections: explicit.maxConnections ?? intVar(env, 'UFOP_MAX_CONNECTIONS') ?? DEFAULT_MAX_CONNECTIONS,
    heapGrowingPercent:
      explicit.heapGrowingPercent ?? intVar(env, 'UFOP_HEAP_GROWING_PERCENT', 0) ?? DEFAULT_HEAP_GROWING_PERCENT,
    // Unset: derived at run time from the live workers' slots (see queue-bound.ts).
    maxQueued: explicit.maxQueued ?? intVar(env, 'UFOP_MAX_QUEUED'),
    playground: explicit.playground ?? boolVar(env, 'UFOP_PLAYGROUND') ?? defaultPlayground(env),
  };
  for (const [name, port] of [
    ['port', options.port],
    ['UFOP_METRICS_PORT', options.metricsPort],
    ['UFOP_DASHBOARD_PORT', options.dashboardPort],
  ] as const) {
    if (port !== undefined && (port < 0 || port > 65535))
      throw new UfopStartupError(`Invalid ${name} ${port}: expected 0..65535`);
  }
  if (options.adminToken !== undefined && options.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    // It travels in fop URLs and guards the logs: a short one is guessable.
    throw new UfopStartupError(
      `UFOP_ADMIN_TOKEN is too short: use at least ${MIN_ADMIN_TOKEN_LENGTH} characters (openssl rand -hex 16)`,
    );
  }
  if (options.adminToken !== undefined && !/^[A-Za-z0-9_.~-]+$/.test(options.adminToken)) {
    throw new UfopStartupError(
      'UFOP_ADMIN_TOKEN may hold only letters, digits and _ . ~ - (it is one segment of a cmd)',
    );
  }
  if (options.dashboardPort !== undefined && (!options.dashboardUser || !options.dashboardPassword)) {
    throw new UfopStartupError(
      'UFOP_DASHBOARD_PORT is set but UFOP_DASHBOARD_USER or UFOP_DASHBOARD_PASSWORD is not: the dashboard never runs without basic auth',
    );
  }
  return options;
}

/**
 * The mode the environment asks for: `UFOP_MODE`, else `queue` when `REDIS_URL` or `REDIS_SENTINELS` is set, else
 * `inline`. The CLI asks it too (does `runserver` start workers?), so both decide by the same rule.
 */
export function resolveMode(source: EnvSource = process.env): UfopMode {
  const env: Env = typeof source === 'function' ? source : (name) => source[name];
  return modeFrom(env, nonEmpty(env('REDIS_URL')), listVar(env('REDIS_SENTINELS')));
}

/**
 * The handoff folder the environment gives a queue-mode process (`UFOP_HANDOFF_DIR`, else the default in /dev/shm where
 * there is one; undefined: off). `doctor` asks it too, so both read the variable alike.
 */
export function resolveHandoffDir(source: EnvSource = process.env): string | undefined {
  const env: Env = typeof source === 'function' ? source : (name) => source[name];
  return handoffDirOption(nonEmpty(env('UFOP_HANDOFF_DIR')));
}

function modeFrom(env: Env, redisUrl: string | undefined, redisSentinels: string[]): UfopMode {
  return (
    oneOf(env, 'UFOP_MODE', ['inline', 'queue'] as const) ?? (redisUrl || redisSentinels.length ? 'queue' : 'inline')
  );
}

export type UfopLogOptions = Pick<UfopOptions, 'logFormat' | 'logLevel' | 'logDir' | 'logMaxBytes' | 'logFiles'>;

/**
 * The log settings alone: the logger exists before the module (and the supervisor has no module), and a bad
 * unrelated variable must be reported by the processes, not stop the logger that would report it.
 */
export function resolveLogOptions(explicit: UfopModuleOptions = {}, source: EnvSource = process.env): UfopLogOptions {
  const env: Env = typeof source === 'function' ? source : (name) => source[name];
  return {
    logFormat: explicit.logFormat ?? oneOf(env, 'UFOP_LOG_FORMAT', ['text', 'json'] as const) ?? 'text',
    logLevel: explicit.logLevel ?? logLevelVar(env) ?? 'log',
    logDir: explicit.logDir ?? nonEmpty(env('UFOP_LOG_DIR')),
    logMaxBytes: explicit.logMaxBytes ?? intVar(env, 'UFOP_LOG_MAX_BYTES', MIN_LOG_MAX_BYTES) ?? DEFAULT_LOG_MAX_BYTES,
    logFiles: explicit.logFiles ?? intVar(env, 'UFOP_LOG_FILES') ?? DEFAULT_LOG_FILES,
  };
}

/** Smaller files would rotate on nearly every line. */
const MIN_LOG_MAX_BYTES = 1024;
const MIN_ADMIN_TOKEN_LENGTH = 16;
const LOG_LEVELS: readonly UfopLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function logLevelVar(env: Env): UfopLogLevel | undefined {
  const raw = nonEmpty(env('UFOP_LOG_LEVEL'))?.toLowerCase();
  if (raw === 'info') return 'log';
  return raw === undefined ? undefined : oneOf(() => raw, 'UFOP_LOG_LEVEL', LOG_LEVELS);
}

/**
 * On for local development only: npm names the running script in `npm_lifecycle_event` (inherited by the process
 * `nest start --watch` starts), and a production environment never gets the page unless it asks for it.
 */
/** `off` turns the handoff folder off; unset: the default in /dev/shm, where there is one. */
function handoffDirOption(raw: string | undefined): string | undefined {
  if (raw?.toLowerCase() === 'off') return undefined;
  return raw ?? (existsSync('/dev/shm') ? defaultHandoffDir() : undefined);
}

function defaultPlayground(env: Env): boolean {
  return env('npm_lifecycle_event') === 'start:dev' && nonEmpty(env('NODE_ENV'))?.toLowerCase() !== 'production';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function intVar(env: Env, name: string, min = 1): number | undefined {
  const raw = nonEmpty(env(name));
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new UfopStartupError(`Invalid ${name}=${JSON.stringify(raw)}: expected an integer >= ${min}`);
  }
  return Number(raw);
}

function boolVar(env: Env, name: string): boolean | undefined {
  const raw = nonEmpty(env(name))?.toLowerCase();
  if (raw === undefined) return undefined;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new UfopStartupError(`Invalid ${name}=${JSON.stringify(raw)}: expected true or false`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T | undefined {
  const raw = nonEmpty(env(name))?.toLowerCase();
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UfopStartupError(`Invalid ${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

function listVar(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
}
