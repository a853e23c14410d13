import { splitCmd } from '../../routing/ufop-cmd.parser';
import { CliError } from '../cli.error';

/**
 * The names a full cmd may start with in this project: `UFOP_NAME` when set (the server then refuses any other),
 * else the package name, which `createproject` makes the project's and so the UFOP's name (`@scope/` dropped).
 */
export function ufopNames(ufopName: string | undefined, packageName: string | undefined): string[] {
  if (ufopName?.trim()) return [ufopName.trim()];
  return packageName ? [packageName.replace(/^@[^/]+\//, '')] : [];
}

/**
 * What routes see of one step of `process`'s cmd. Routes are written without the UFOP name (`thumb/200`), but the
 * full cmd Qiniu sends (`img-tools/thumb/200`) is accepted too: a first segment naming this UFOP is dropped when
 * the rest routes, or when the whole would not. A first segment naming another UFOP is refused with what to type.
 */
export function routedCommand(step: string, names: readonly string[], hasRoute: (command: string) => boolean): string {
  const { name: first, command: rest } = splitCmd(step);
  const named = names.includes(first);
  if (named && hasRoute(rest)) return rest;
  if (hasRoute(step)) return step;
  if (named) return rest;
  if (step.includes('/') && hasRoute(rest)) {
    throw new CliError(
      `404 no handler for cmd ${JSON.stringify(step)}; drop the UFOP name: qiniu-ufop process ${rest} <file>` +
        (names.length ? ` (or the full cmd ${names[0]}/${rest})` : ''),
    );
  }
  return step;
}

/**
 * The message for `process` given one argument in a project with no handler routed at "": the cmd is missing, or,
 * when the argument is a cmd that routes, the file.
 */
export function missingArgumentMessage(argument: string, routes: readonly string[], isCmd: boolean): string {
  if (isCmd) return `missing the input file: qiniu-ufop process ${argument} <file> (- reads stdin)`;
  const listed = routes.length ? `; routes: ${routes.join(', ')}` : '';
  return `missing cmd: qiniu-ufop process <cmd> ${argument} (no handler is routed at "", so the cmd cannot be left out)${listed}`;
}
