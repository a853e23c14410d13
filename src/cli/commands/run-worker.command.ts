import { Command, Option } from '../cli.decorators';
import { CliError } from '../cli.error';
import { intOption } from '../cli.parsers';
import { projectMode } from '../runtime/ufop-project';
import { SupervisedRunCommand, SupervisedRunOptions } from '../supervisor/supervised-run.command';
import { DEFAULT_REDIS_URL } from '../../queue/ufop-queue.constants';

interface RunWorkerOptions extends SupervisedRunOptions {
  concurrency?: number;
}

/**
 * `runworker`: the worker role of queue mode (`UFOP_ROLE=worker`): processes that take jobs from the
 * Bull queue on REDIS_URL, one per core, each running `-c` jobs at a time.
 */
@Command({
  name: 'runworker',
  description: "run the built project's worker role: queue mode, one process per core taking jobs from Redis",
})
export class RunWorkerCommand extends SupervisedRunCommand {
  async run(_args: string[], options: RunWorkerOptions = {}): Promise<void> {
    // Loaded on use: the supervisor brings prom-client, which other commands (process above all) never need.
    const { runProject } = await import('../supervisor/run-project');
    await runProject({
      kind: 'worker',
      entry: options.entry,
      processes: options.processes,
      env: (seen) => {
        if (projectMode(seen) !== 'queue') {
          throw new CliError(
            seen.UFOP_MODE
              ? `runworker needs queue mode, but UFOP_MODE=${seen.UFOP_MODE}`
              : `runworker needs queue mode: set REDIS_URL (for example ${DEFAULT_REDIS_URL}) in the environment or .env`,
          );
        }
        // Without -c (or UFOP_CONCURRENCY) each process derives its share of UFOP_CONCURRENCY's default, 2 jobs per
        // CPU divided among the processes, as inline mode does. The old default of one job per process cost 15–25%
        // more CPU per request and answered 15–25% fewer (1 KiB echoes, runserver + runworker with 2 processes each).
        return {
          UFOP_MODE: 'queue',
          UFOP_ROLE: 'worker',
          ...(options.concurrency !== undefined ? { UFOP_CONCURRENCY: String(options.concurrency) } : {}),
        };
      },
    });
  }

  @Option({
    flags: '-c, --concurrency <n>',
    description: 'jobs each process runs at once (UFOP_CONCURRENCY; default: 2 per CPU, divided among the processes)',
  })
  parseConcurrency(value: string): number {
    return intOption(value, '--concurrency');
  }
}
