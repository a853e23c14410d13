#!/usr/bin/env node
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

void CommandFactory.run(CliModule, { logger: ['error', 'warn'], errorHandler: (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
} });
