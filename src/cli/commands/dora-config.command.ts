import { writeFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { buildDoraConfig, collectEnv, doraConfigYaml } from '../dora/dora-config';

export interface DoraConfigOptions {
  name: string;
  tag: string;
  version: string;
  flavor?: string;
  desc?: string;
  env?: Record<string, string>;
}

/** `doraconfig`: prints the dora.yaml for `qdoractl release --config <dir>`. */
@Command({ name: 'doraconfig', description: 'print the dora.yaml that releases this service with qdoractl' })
export class DoraConfigCommand extends CommandRunner {
  async run(_args: string[], options: DoraConfigOptions & { output?: string }): Promise<void> {
    const yaml = doraConfigYaml(buildDoraConfig(toDoraInput(options)));
    if (options.output) await writeFile(options.output, yaml);
    else process.stdout.write(yaml);
  }

  @Option({ flags: '-n, --name <ufop>', description: 'the UFOP name (the first segment of cmd)', required: true })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '-t, --tag <image:tag>', description: 'the image to release', required: true })
  parseTag(value: string): string {
    return value;
  }

  @Option({ flags: '-v, --version <version>', description: 'the version string (verstr), such as v1', required: true })
  parseVersion(value: string): string {
    return value;
  }

  @Option({ flags: '--flavor <flavor>', description: 'the instance flavor, C<cores>M<GiB> (default C1M1)' })
  parseFlavor(value: string): string {
    return value;
  }

  @Option({ flags: '--desc <text>', description: 'a description (default: the UFOP name)' })
  parseDesc(value: string): string {
    return value;
  }

  @Option({ flags: '-e, --env <KEY=VALUE>', description: 'a variable for every instance (repeatable), such as REDIS_URL=...' })
  parseEnv(value: string, previous?: Record<string, string>): Record<string, string> {
    return collectEnv(value, previous);
  }

  @Option({ flags: '-o, --output <file>', description: 'write it to this file instead of stdout' })
  parseOutput(value: string): string {
    return value;
  }
}

export function toDoraInput(options: DoraConfigOptions) {
  return {
    ufopName: options.name,
    image: options.tag,
    version: options.version,
    flavor: options.flavor,
    desc: options.desc,
    env: options.env,
  };
}
