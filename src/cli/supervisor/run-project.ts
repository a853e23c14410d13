import { cpuCount } from '../../config/cpu-count';
import { createUfopLogger } from '../../logging/ufop.logger';
import { ClusterMetrics } from '../../metrics/cluster-metrics';
import { listenForScrapes, metricsListeningMessage } from '../../metrics/metrics.listener';
import { DEFAULT_DRAIN_TIMEOUT_MS } from '../cli.constants';
import { CliError } from '../cli.error';
import { findProject, projectEnv, requireBuiltEntry, UfopProject } from '../runtime/ufop-project';
import { mallocTunablesEnv } from './malloc-tunables';
import { processNodeFlags } from './node-flags';
import { ProcessSupervisor } from './process.supervisor';

export interface RunProjectOptions {
  /** `server` (runserver) or `worker` (runworker): the log folder and the wording. */
  kind: 'server' | 'worker';
  /** Decides the variables the processes get, from the environment they would see. */
  env: (seen: Record<string, string | undefined>) => Record<string, string>;
  /** Number of processes; default: one per core of the flavor (CPU_COUNT, else FLAVOR, else cgroup quota). */
  processes?: number;
  /** The built entry, if not nest-cli.json's. */
  entry?: string;
  /** Run one process under the inspector on this port. */
  inspectPort?: number;
}

/** Runs the built project under the supervisor until it is stopped; sets the exit code. */
export async function runProject(options: RunProjectOptions): Promise<void> {
  const project: UfopProject = findProject(process.cwd(), { entry: options.entry });
  const exec = requireBuiltEntry(project);
  // The processes read .env from their working directory, as `npm start` in the project would.
  process.chdir(project.root);
  const seen = projectEnv(project.root);
  const env = options.env(seen);
  const processes = options.inspectPort !== undefined ? 1 : (options.processes ?? cpuCount({ ...seen, ...env }));
  const drain = seen.UFOP_DRAIN_TIMEOUT_MS ? Number(seen.UFOP_DRAIN_TIMEOUT_MS) : DEFAULT_DRAIN_TIMEOUT_MS;
  if (!Number.isInteger(drain) || drain < 0) {
    throw new CliError(
      `Invalid UFOP_DRAIN_TIMEOUT_MS=${JSON.stringify(seen.UFOP_DRAIN_TIMEOUT_MS)}: expected an integer >= 0`,
    );
  }
  // The supervisor's lines go where its processes' go, in the same format.
  const logger = createUfopLogger({ ...seen, ...env, UFOP_ROLE: options.kind === 'worker' ? 'worker' : 'all' });
  // One scrape of UFOP_METRICS_PORT sums every process (they answer the supervisor, which alone listens).
  const metrics = new ClusterMetrics();
  const metricsPort = seen.UFOP_METRICS_PORT?.trim() ? Number(seen.UFOP_METRICS_PORT) : undefined;
  const scrapes =
    metricsPort === undefined
      ? undefined
      : await listenForScrapes(metricsPort, async () => ({
          contentType: metrics.contentType,
          text: await metrics.text(),
        })).catch((error: Error) => {
          // Not fatal: the service matters more than its metrics (runserver and runworker on one port, say).
          logger.error(`metrics not served on port ${metricsPort}: ${error.message}`, undefined, 'Supervisor');
          return undefined;
        });
  if (scrapes) logger.log(metricsListeningMessage(scrapes, `all ${options.kind} processes`), 'Supervisor');
  const supervisor = new ProcessSupervisor({
    exec,
    processes,
    // Each process sizes its memory and disk budgets as its share of the instance; glibc reads its malloc
    // settings as a process starts, so they are given here (also when the project's .env sets them).
    env: { UFOP_PROCESSES: String(processes), ...mallocTunablesEnv(seen), ...env },
    label: options.kind,
    logger,
    drainTimeoutMs: drain,
    execArgv: processNodeFlags(process.execArgv, options.inspectPort !== undefined ? ['--inspect=127.0.0.1'] : []),
    ...(options.inspectPort !== undefined ? { inspectPort: options.inspectPort } : {}),
  });
  process.exitCode = await supervisor.run();
  scrapes?.close();
  metrics.close();
  logger.closeFile();
}
