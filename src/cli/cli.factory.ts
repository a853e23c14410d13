import { INestApplicationContext, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, Option } from 'commander';
import { CliProgram } from './cli-program.provider';
import { commandMetadata, commandOptions, CommandRunner } from './cli.decorators';

export interface CliOptions {
  logger?: LogLevel[] | false;
  /** Commander's exit override: called after it printed help (exit code 0) or its own error. */
  errorHandler?: (error: Error) => void;
  /** Called with what a command's `run` threw. */
  serviceErrorHandler?: (error: Error) => void;
  /** Printed by `-V, --version`. */
  version?: string;
}

export interface Cli {
  app: INestApplicationContext;
  /** The program, with every command of the module registered. */
  program: Command;
  /** Parses `argv` (`['node', 'qiniu-ufop', ...args]`) and runs the command it names. */
  run(argv?: string[]): Promise<void>;
}

/**
 * Creates the module's application context and a Commander program with one command per provider decorated with
 * `@Command` (the module's own `providers`), its options from the `@Option` methods, as nest-commander built them.
 */
export async function createCli(module: Type<unknown>, options: CliOptions = {}): Promise<Cli> {
  const app = await NestFactory.createApplicationContext(module, { logger: options.logger ?? false });
  const program = app.get(CliProgram).commander;
  const providers: unknown[] = Reflect.getMetadata('providers', module) ?? [];
  for (const type of providers) {
    const metadata = typeof type === 'function' ? commandMetadata(type) : undefined;
    if (!metadata) continue;
    const runner = app.get<CommandRunner>(type as Type<CommandRunner>);
    const description = metadata.description ?? '';
    // `-h` lists each command on one line: its description up to the first colon (`<command> -h` shows it whole).
    const command = new Command(metadata.name).description(description).summary(description.split(': ')[0]);
    if (metadata.usage) command.usage(metadata.usage);
    for (const argument of metadata.arguments?.split(' ').filter(Boolean) ?? []) {
      const name = argument.replace(/^[<[]|\.{3}|[>\]]$/g, '');
      command.argument(argument, metadata.argsDescription?.[name] ?? '');
    }
    for (const { metadata: option, parse } of commandOptions(runner)) {
      const added = new Option(option.flags, option.description)
        .default(option.defaultValue)
        .preset(option.defaultValue)
        .makeOptionMandatory(option.required ?? false)
        .argParser(parse);
      if (option.choices?.length) added.choices(option.choices);
      command.addOption(added);
    }
    command.action(() => runner.run(command.args, command.opts()));
    program.addCommand(command);
  }
  if (options.version) program.version(options.version, '-V, --version', 'print the version of qiniu-ufop');
  // Each command as its own usage line has it (Commander's list ignores a custom usage such as process's).
  program.configureHelp({ subcommandTerm: (command) => `${command.name()} ${command.usage()}`.trim() });
  if (options.errorHandler) program.exitOverride(options.errorHandler);
  const onError = options.serviceErrorHandler ?? ((error: Error) => process.stderr.write(String(error)));
  return { app, program, run: (argv = process.argv) => program.parseAsync(argv).then(() => undefined, onError) };
}

/** `createCli`, run once on `process.argv`, then closed. */
export async function runCli(module: Type<unknown>, options: CliOptions = {}): Promise<void> {
  const cli = await createCli(module, options);
  try {
    await cli.run();
  } finally {
    await cli.app.close();
  }
}
