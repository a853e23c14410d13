import { CommandRunner, Option } from '../cli.decorators';
import { intOption } from '../cli.parsers';

/** What `runserver` and `runworker` both take: how many processes, and which built entry they run. */
export interface SupervisedRunOptions {
  processes?: number;
  entry?: string;
}

/** Declares `--processes` and `--entry` once; createCli reads `@Option` methods through the prototype chain. */
export abstract class SupervisedRunCommand extends CommandRunner {
  @Option({
    flags: '--processes <n>',
    description: "number of processes (default: CPU_COUNT, else the FLAVOR's cores)",
  })
  parseProcesses(value: string): number {
    return intOption(value, '--processes');
  }

  @Option({
    flags: '--entry <file>',
    description: 'the built entry to run (default: <outDir>/<entryFile>.js from nest-cli.json)',
  })
  parseEntry(value: string): string {
    return value;
  }
}
