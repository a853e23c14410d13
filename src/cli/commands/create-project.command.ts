import { Command, CommandRunner } from 'nest-commander';

// Placeholder until its issue lands: registered so the CLI's command list is complete.
@Command({ name: 'createproject', description: 'not implemented yet' })
export class CreateProjectCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error('createproject is not implemented yet');
  }
}
