import { CliError } from '../cli.error';

/**
 * Splits `thumb/200|echo` into its steps. Qiniu runs a `|` chain step by step, each output being the
 * next step's input; the platform sends one step to an instance, and `process` plays the platform here.
 */
export function parseCommandChain(cmd: string): string[] {
  const steps = cmd.split('|').map((step) => step.trim());
  if (steps.length > 1 && steps.some((step) => !step)) {
    throw new CliError(`empty step in the command chain ${JSON.stringify(cmd)}`);
  }
  return steps;
}
