import { Command, CommandRunner } from 'nest-commander';

// Placeholder until its issue lands: registered so the CLI's command list is complete.
@Command({ name: 'dockerfile', description: 'not implemented yet' })
export class DockerfileCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error('dockerfile is not implemented yet');
  }
}
