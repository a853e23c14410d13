import { LoggerService } from '@nestjs/common';
import cluster, { Worker } from 'node:cluster';

export interface SupervisorOptions {
  /** The script each process runs: the project's built entry. */
  exec: string;
  /** How many processes to keep running. */
  processes: number;
  /** Variables added to each process's environment. */
  env: Record<string, string>;
  /** Node flags for the processes (the supervisor's, and `--inspect=…` for `runserver --debug`): none if not given. */
  execArgv?: string[];
  /** Inspector port of the (single) debugged process. */
  inspectPort?: number;
  /** `server` or `worker`: how processes are called in the log. */
  label: string;
  logger: LoggerService;
  /** Time the processes get to finish in-flight work after SIGTERM, before they are killed. */
  drainTimeoutMs: number;
  /** A process that exits sooner than this after its start counts as a failed start. */
  minUptimeMs?: number;
  /** The supervisor gives up after this many failed starts in a row (a project that cannot boot). */
  maxFailedStarts?: number;
}

const CONTEXT = 'Supervisor';

/**
 * Keeps N copies of the project's entry running with node:cluster, so one container uses every core of its
 * flavor and HTTP connections are spread over them (cluster shares the listening port). A process that
 * dies is replaced; one that keeps dying at boot makes the supervisor give up, so the platform sees the
 * failure instead of a silent restart loop. On SIGTERM or SIGINT each process gets SIGTERM, finishes
 * what it is doing (Nest's shutdown hooks close the server, in-flight requests complete), and the
 * supervisor exits when they all have, or kills the rest after the drain timeout.
 */
export class ProcessSupervisor {
  private readonly startedAt = new Map<Worker, number>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private failedStarts = 0;
  private stopping = false;
  private exitCode = 0;
  private done?: (code: number) => void;

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts the processes; resolves with the exit code once the supervisor has stopped. */
  run(): Promise<number> {
    const { exec, execArgv, inspectPort, processes, label, logger } = this.options;
    cluster.setupPrimary({
      exec,
      args: [],
      execArgv: execArgv ?? [],
      ...(inspectPort !== undefined ? { inspectPort } : {}),
    });
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    const onSignal = (signal: NodeJS.Signals) => this.stop(0, `received ${signal}`);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    logger.log(`starting ${processes} ${label} process${processes === 1 ? '' : 'es'} of ${exec}`, CONTEXT);
    for (let i = 0; i < processes; i++) this.fork();
    return new Promise<number>((resolve) => {
      this.done = (code) => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        cluster.removeAllListeners('exit');
        resolve(code);
      };
    });
  }

  /** Stops every process: SIGTERM, then SIGKILL for those still running after the drain timeout. */
  stop(exitCode: number, reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.exitCode = exitCode;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    const running = this.running();
    this.options.logger.log(`${reason}: draining ${running.length} ${this.options.label} process(es)`, CONTEXT);
    if (!running.length) return this.finish();
    for (const worker of running) worker.process.kill('SIGTERM');
    const killer = setTimeout(() => {
      const left = this.running();
      this.options.logger.warn(
        `drain timeout (${this.options.drainTimeoutMs} ms): killing ${left.length} process(es)`,
        CONTEXT,
      );
      for (const worker of left) worker.process.kill('SIGKILL');
    }, this.options.drainTimeoutMs);
    killer.unref();
  }

  private fork(): void {
    const worker = cluster.fork(this.options.env);
    this.startedAt.set(worker, Date.now());
    worker.once('online', () => {
      this.options.logger.log(`started ${this.options.label} process ${worker.process.pid}`, CONTEXT);
    });
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    const uptime = Date.now() - (this.startedAt.get(worker) ?? 0);
    this.startedAt.delete(worker);
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (this.stopping) {
      this.options.logger.log(`${this.options.label} process ${worker.process.pid} exited (${how})`, CONTEXT);
      if (!this.running().length) this.finish();
      return;
    }
    const { minUptimeMs = 5_000, maxFailedStarts = 5 } = this.options;
    this.failedStarts = uptime < minUptimeMs ? this.failedStarts + 1 : 0;
    if (this.failedStarts >= maxFailedStarts) {
      this.options.logger.error(
        `${this.options.label} process ${worker.process.pid} exited (${how}); ${this.failedStarts} processes in a row ` +
          `died within ${minUptimeMs} ms of starting: giving up (see the log above for why)`,
        undefined,
        CONTEXT,
      );
      return this.stop(1, 'giving up');
    }
    // Back off while starts keep failing (a missing dependency, a bad setting) instead of spinning.
    const delay = this.failedStarts ? Math.min(30_000, 500 * 2 ** (this.failedStarts - 1)) : 0;
    this.options.logger.warn(
      `${this.options.label} process ${worker.process.pid} exited (${how}) after ${uptime} ms; restarting${delay ? ` in ${delay} ms` : ''}`,
      CONTEXT,
    );
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.stopping) this.fork();
    }, delay);
    this.restartTimers.add(timer);
  }

  private running(): Worker[] {
    return [...this.startedAt.keys()];
  }

  private finish(): void {
    this.options.logger.log(`stopped (exit code ${this.exitCode})`, CONTEXT);
    this.done?.(this.exitCode);
  }
}
