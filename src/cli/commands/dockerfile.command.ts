import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from '../cli.decorators';
import { dockerfileTemplate, dockerignoreTemplate } from '../templates';

interface DockerfileOptions {
  output?: string;
  dockerignore?: boolean;
}

/** `dockerfile`: prints the Dockerfile this package ships (docker/Dockerfile), the one `deploy` builds. */
@Command({
  name: 'dockerfile',
  description: 'print the Dockerfile of a qiniu-ufop service: or, with --dockerignore, its .dockerignore',
})
export class DockerfileCommand extends CommandRunner {
  async run(_args: string[], options: DockerfileOptions = {}): Promise<void> {
    const text = await readFile(options.dockerignore ? dockerignoreTemplate() : dockerfileTemplate(), 'utf8');
    if (options.output) await writeFile(options.output, text);
    else process.stdout.write(text);
  }

  @Option({ flags: '-o, --output <file>', description: 'write it to this file instead of stdout' })
  parseOutput(value: string): string {
    return value;
  }

  @Option({ flags: '--dockerignore', description: 'print the .dockerignore that goes with it instead' })
  parseDockerignore(): boolean {
    return true;
  }
}
