import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';
import { CLI_NAME } from './cli.constants';

/**
 * Names the program `qiniu-ufop` in help and errors. Commander would otherwise take the script's file
 * name, which is `main` when run as `node dist/src/cli/main.js`. `-h` lists each command on one line: its
 * summary is its description up to the first colon; `<command> -h` shows the whole description.
 */
@Injectable()
export class CliProgram implements OnApplicationBootstrap {
  /** The program, with every command registered once the application has initialised (the README test reads it). */
  constructor(@InjectCommander() readonly commander: Command) {
    commander.name(CLI_NAME);
  }

  /** Runs once nest-commander has added the commands (in its onModuleInit). */
  onApplicationBootstrap(): void {
    for (const command of this.commander.commands) {
      if (!command.summary()) command.summary(command.description().split(': ')[0]);
    }
    // Each command as its own usage line has it (commander's list ignores a custom usage such as process's).
    this.commander.configureHelp({ subcommandTerm: (command) => `${command.name()} ${command.usage()}`.trim() });
  }
}
