import { Command, CommandRunner, Option } from 'nest-commander';
import { CliError } from '../cli.error';
import { intOption } from '../cli.parsers';
import { projectMode } from '../runtime/ufop-project';
import { runProject } from '../supervisor/run-project';

interface RunWorkerOptions {
  concurrency?: number;
  processes?: number;
  entry?: string;
}

/**
 * `runworker`: the worker role of queue mode (`UFOP_ROLE=worker`): processes that take jobs from the
 * Bull queue on REDIS_URL, one per core, each running `-c` jobs at a time.
 */
@Command({
  name: 'runworker',
  description: 'run the built project\'s worker role (queue mode): one process per core taking jobs from Redis',
})
export class RunWorkerCommand extends CommandRunner {
  async run(_args: string[], options: RunWorkerOptions = {}): Promise<void> {
    await runProject({
      kind: 'worker',
      entry: options.entry,
      processes: options.processes,
      env: (seen) => {
        if (projectMode(seen) !== 'queue') {
          throw new CliError(
            seen.UFOP_MODE
              ? `runworker needs queue mode, but UFOP_MODE=${seen.UFOP_MODE}`
              : 'runworker needs queue mode: set REDIS_URL (for example redis://127.0.0.1:6379) in the environment or .env',
          );
        }
        // The processes already cover the cores, so one job each by default; raise -c for I/O-bound handlers.
        const concurrency = options.concurrency ?? (seen.UFOP_CONCURRENCY ? undefined : 1);
        return {
          UFOP_MODE: 'queue',
          UFOP_ROLE: 'worker',
          ...(concurrency !== undefined ? { UFOP_CONCURRENCY: String(concurrency) } : {}),
        };
      },
    });
  }

  @Option({ flags: '-c, --concurrency <n>', description: 'jobs each process runs at once (UFOP_CONCURRENCY; default 1)' })
  parseConcurrency(value: string): number {
    return intOption(value, '--concurrency');
  }

  @Option({ flags: '--processes <n>', description: 'number of processes (default: CPU_COUNT, else the FLAVOR\'s cores)' })
  parseProcesses(value: string): number {
    return intOption(value, '--processes');
  }

  @Option({ flags: '--entry <file>', description: 'the built entry to run (default: <outDir>/<entryFile>.js from nest-cli.json)' })
  parseEntry(value: string): string {
    return value;
  }
}
