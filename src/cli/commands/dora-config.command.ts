import { Command, CommandRunner } from 'nest-commander';

// Placeholder until its issue lands: registered so the CLI's command list is complete.
@Command({ name: 'doraconfig', description: 'not implemented yet' })
export class DoraConfigCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error('doraconfig is not implemented yet');
  }
}
