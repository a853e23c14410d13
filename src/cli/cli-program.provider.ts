import { Injectable } from '@nestjs/common';
import { Command } from 'commander';
import { CLI_NAME } from './cli.constants';

/**
 * The Commander program, named `qiniu-ufop` in help and errors. Commander would otherwise take the script's file
 * name, which is `main` when run as `node dist/src/cli/main.js`.
 */
@Injectable()
export class CliProgram {
  /** The program, with every command registered once `createCli` has built it (the README test reads it). */
  readonly commander = new Command().name(CLI_NAME);
}
