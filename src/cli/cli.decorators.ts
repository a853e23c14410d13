import 'reflect-metadata';

/**
 * `@Command` and `@Option`, the shape nest-commander gave our commands, read by `createCli` to build a Commander
 * program. Not nest-commander itself: its dependencies (prettier for shell completion, cosmiconfig, which makes npm
 * keep a project's TypeScript in production installs, inquirer) were a third of a production install.
 */
export interface CommandMetadata {
  name: string;
  /** Commander's argument syntax: `<cmd> [file]`. */
  arguments?: string;
  /** Descriptions by argument name. */
  argsDescription?: Record<string, string>;
  description?: string;
  /** The usage line in help, when it should differ from what Commander derives from `arguments`. */
  usage?: string;
}

export interface OptionMetadata {
  /** Commander's flags: `-o, --output <file>`, `--no-build`. */
  flags: string;
  description?: string;
  defaultValue?: unknown;
  required?: boolean;
  choices?: string[];
}

const COMMAND = Symbol('qiniu-ufop:cli-command');
const OPTION = Symbol('qiniu-ufop:cli-option');

/** One `qiniu-ufop` command: a provider of the CLI module whose `run` gets the arguments and parsed options. */
export abstract class CommandRunner {
  // Commander's parsed options are untyped: each command declares the shape its own @Option methods produce.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  abstract run(args: string[], options?: Record<string, any>): Promise<void>;
}

export function Command(metadata: CommandMetadata): ClassDecorator {
  return (target) => Reflect.defineMetadata(COMMAND, metadata, target);
}

/** Marks the method that parses an option's value (called with the value and the previous one, as Commander does). */
export function Option(metadata: OptionMetadata): MethodDecorator {
  return (_target, _key, descriptor) => Reflect.defineMetadata(OPTION, metadata, descriptor.value as object);
}

export function commandMetadata(type: object): CommandMetadata | undefined {
  return Reflect.getMetadata(COMMAND, type);
}

/** A command's options with their parse methods: its own first, then those its base classes declare. */
export function commandOptions(
  instance: object,
): Array<{ metadata: OptionMetadata; parse: (...args: unknown[]) => unknown }> {
  const found: Array<{ metadata: OptionMetadata; parse: (...args: unknown[]) => unknown }> = [];
  const seen = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(instance);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (seen.has(name) || name === 'constructor') continue;
      seen.add(name);
      const method = Object.getOwnPropertyDescriptor(proto, name)?.value;
      const metadata: OptionMetadata | undefined =
        typeof method === 'function' ? Reflect.getMetadata(OPTION, method) : undefined;
      if (metadata) found.push({ metadata, parse: method.bind(instance) });
    }
  }
  return found;
}
