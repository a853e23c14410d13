import Module, { createRequire } from 'node:module';

/** inquirer 8's exports, the line nest-commander 3 depends on. */
const INQUIRER_EXPORTS = ['prompts', 'Separator', 'ui', 'createPromptModule', 'prompt', 'registerPrompt', 'restoreDefaultPrompts'];

/**
 * nest-commander requires inquirer at load for its question sets, which no command here asks: with lodash and the
 * rest that is some 270 modules, an eighth of `qiniu-ufop process`'s start. This puts in require's cache, in
 * inquirer's place, an object whose properties load the real inquirer when first read, so that a command asking a
 * question would still get it. Call it before nest-commander is required; it does nothing once inquirer is loaded.
 */
export function deferInquirer(): void {
  const fromCommander = createRequire(require.resolve('nest-commander'));
  let path: string;
  try {
    path = fromCommander.resolve('inquirer');
  } catch {
    return;
  }
  if (require.cache[path]) return;
  let real: Record<string, unknown> | undefined;
  const load = (): Record<string, unknown> => {
    if (!real) {
      delete require.cache[path];
      real = fromCommander(path) as Record<string, unknown>;
    }
    return real;
  };
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = Object.defineProperties(
    {},
    Object.fromEntries(INQUIRER_EXPORTS.map((name) => [name, { enumerable: true, get: () => load()[name] }])),
  );
  require.cache[path] = standIn;
}
