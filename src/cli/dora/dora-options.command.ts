import { CommandRunner, Option } from '../cli.decorators';
import { collectEnv, DoraConfigInput } from './dora-config';

/** The options that describe a release, as `doraconfig` and `deploy` both take them. */
export interface DoraConfigOptions {
  name: string;
  tag: string;
  version: string;
  flavor?: string;
  desc?: string;
  env?: Record<string, string>;
}

export function toDoraInput(options: DoraConfigOptions): DoraConfigInput {
  return {
    ufopName: options.name,
    image: options.tag,
    version: options.version,
    flavor: options.flavor,
    desc: options.desc,
    env: options.env,
  };
}

/**
 * Declares the release options once for the commands that build a dora.yaml: createCli reads
 * `@Option` methods through the prototype chain, so subclasses get `-n -t -v --flavor --desc -e`.
 */
export abstract class DoraOptionsCommand extends CommandRunner {
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

  @Option({
    flags: '-e, --env <KEY=VALUE>',
    description: 'a variable for every instance (repeatable), such as REDIS_URL=...',
  })
  parseEnv(value: string, previous?: Record<string, string>): Record<string, string> {
    return collectEnv(value, previous);
  }
}
