import { Injectable } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';
import { CLI_NAME } from './cli.constants';

/**
 * Names the program `qiniu-ufop` in help and errors. Commander would otherwise take the script's file
 * name, which is `main` when run as `node dist/src/cli/main.js`.
 */
@Injectable()
export class CliProgram {
  /** The program, with every command registered once the application has initialised (the README test reads it). */
  constructor(@InjectCommander() readonly commander: Command) {
    commander.name(CLI_NAME);
  }
}
