import { Command, CommandRunner } from 'nest-commander';

// Placeholder until its issue lands: registered so the CLI's command list is complete.
@Command({ name: 'deploy', description: 'not implemented yet' })
export class DeployCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error('deploy is not implemented yet');
  }
}
