import { Command, CommandRunner } from 'nest-commander';

// Placeholder until its issue lands: registered so the CLI's command list is complete.
@Command({ name: 'runserver', description: 'not implemented yet' })
export class RunServerCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error('runserver is not implemented yet');
  }
}
