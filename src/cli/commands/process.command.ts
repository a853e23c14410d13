import { Command, CommandRunner } from 'nest-commander';

// Placeholder until its issue lands: registered so the CLI's command list is complete.
@Command({ name: 'process', description: 'not implemented yet' })
export class ProcessCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error('process is not implemented yet');
  }
}
