import { Command, CommandRunner } from 'nest-commander';

// Placeholder until its issue lands: registered so the CLI's command list is complete.
@Command({ name: 'runworker', description: 'not implemented yet' })
export class RunWorkerCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error('runworker is not implemented yet');
  }
}
