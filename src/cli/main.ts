#!/usr/bin/env node
import { CliError } from './cli.error';
import { runCli } from './cli.factory';
import { CliModule } from './cli.module';
import { findUfopPackage } from '../../schematics/application/ufop-package';

/**
 * Errors reach the user as one line on stderr and a non-zero exit; the stack only with `--verbose`.
 * Commander's own errors (unknown option, missing argument) are already printed by commander.
 */
function fail(error: unknown): void {
  const verbose = process.argv.includes('--verbose');
  const err = error as Error & { exitCode?: number };
  const message =
    verbose && !(error instanceof CliError) ? (err?.stack ?? String(error)) : (err?.message ?? String(error));
  process.stderr.write(`qiniu-ufop: ${message}\n`);
  process.exitCode = typeof err?.exitCode === 'number' && err.exitCode > 0 ? err.exitCode : 1;
}

// `qiniu-ufop dockerfile | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void runCli(CliModule, {
  logger: ['error', 'warn'],
  // `-V, --version`: the version of the package this CLI belongs to (its package.json, above dist/src/cli).
  version: findUfopPackage(__dirname).version,
  // Commander stops here after printing help (exit code 0) or its own error message (1).
  errorHandler: (error) => process.exit((error as Error & { exitCode?: number }).exitCode ?? 1),
  serviceErrorHandler: fail,
}).catch(fail);
