import { writeFile } from 'node:fs/promises';
import { Command, Option } from '../cli.decorators';
import { buildDoraConfig, doraConfigYaml } from '../dora/dora-config';
import { DoraConfigOptions, DoraOptionsCommand, toDoraInput } from '../dora/dora-options.command';

/** `doraconfig`: prints the dora.yaml for `qdoractl release --config <dir>`. */
@Command({ name: 'doraconfig', description: 'print the dora.yaml of this service: what qdoractl releases it with' })
export class DoraConfigCommand extends DoraOptionsCommand {
  async run(_args: string[], options: DoraConfigOptions & { output?: string }): Promise<void> {
    const yaml = doraConfigYaml(buildDoraConfig(toDoraInput(options)));
    if (options.output) await writeFile(options.output, yaml);
    else process.stdout.write(yaml);
  }

  @Option({ flags: '-o, --output <file>', description: 'write it to this file instead of stdout' })
  parseOutput(value: string): string {
    return value;
  }
}
