/**
 * An error meant for the person at the terminal: the CLI prints its message alone, never a stack
 * (unless `--verbose`), and exits with its code.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
