import { CliError } from './cli.error';

/** Parses a flag's value as an integer in [min, max], with a message that names the flag. */
export function intOption(value: string, flag: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new CliError(`${flag} expects an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return n;
}
