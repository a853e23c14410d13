import { parse, ParseError, printParseErrorCode } from 'jsonc-parser';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CliError } from '../cli.error';
import { EnvRecord, readUfopEnv } from '../../config/ufop-env';
import { resolveMode } from '../../config/ufop-options.factory';

/**
 * A project the CLI runs in: the sample of this repository or one made by `createproject`.
 * Both follow Nest's layout, read from `nest-cli.json`: `sourceRoot` (default `src`) holds
 * `app.module.ts` exporting `AppModule`; `entryFile` (default `main`) is built to `<outDir>/<entryFile>.js`.
 */
export interface UfopProject {
  /** The folder with the project's package.json. */
  root: string;
  /** `name` of that package.json (createproject sets it to the project's, and so the UFOP's, name). */
  packageName?: string;
  /** Absolute path of `sourceRoot` (nest-cli.json, default `src`): the folder the built entry's folder mirrors. */
  sourceRoot: string;
  /** Absolute path of the build's `outDir` (default `dist`). */
  outDir: string;
  /** Absolute path of the TypeScript module that exports the root module. */
  appModuleFile: string;
  /** The exported name of the root module. */
  appModuleExport: string;
  /** Absolute path of the built entry (`dist/main.js`, `dist/sample/main.js` for the sample). */
  builtEntry: string;
  /** The tsconfig that `process` compiles sources with. */
  tsconfig: string;
  /** The tsconfig `nest build` uses (`compilerOptions.tsConfigPath` of nest-cli.json, default tsconfig.build.json). */
  buildTsconfig: string;
}

export interface ProjectOverrides {
  /** `path/to/file.ts` or `path/to/file.ts#ExportName`, relative to the working directory. */
  module?: string;
  /** A built entry file, relative to the working directory. */
  entry?: string;
}

/** Finds the project around `cwd`: the nearest folder upwards that has a package.json. */
export function findProject(cwd = process.cwd(), overrides: ProjectOverrides = {}): UfopProject {
  const root = findUp(cwd, 'package.json');
  if (!root) {
    throw new CliError(
      `no package.json in ${cwd} or above: run this inside a qiniu-ufop project (see \`qiniu-ufop createproject\`)`,
    );
  }
  const nest = readJson(join(root, 'nest-cli.json')) ?? {};
  const sourceRoot = typeof nest.sourceRoot === 'string' ? nest.sourceRoot : 'src';
  const entryFile = typeof nest.entryFile === 'string' ? nest.entryFile : 'main';
  const buildConfig =
    typeof nest.compilerOptions?.tsConfigPath === 'string' ? nest.compilerOptions.tsConfigPath : 'tsconfig.build.json';
  const outDir = tsOutDir(join(root, buildConfig)) ?? tsOutDir(join(root, 'tsconfig.json')) ?? join(root, 'dist');

  const packageName = readJson(join(root, 'package.json'))?.name;

  let appModuleFile = join(root, sourceRoot, 'app.module.ts');
  let appModuleExport = 'AppModule';
  if (overrides.module) {
    const [file, name] = overrides.module.split('#');
    appModuleFile = resolve(cwd, file);
    if (name) appModuleExport = name;
  }
  const builtEntry = overrides.entry ? resolve(cwd, overrides.entry) : join(outDir, `${entryFile}.js`);
  return {
    root,
    packageName: typeof packageName === 'string' ? packageName : undefined,
    sourceRoot: join(root, sourceRoot),
    outDir,
    appModuleFile,
    appModuleExport,
    builtEntry,
    tsconfig: join(root, 'tsconfig.json'),
    buildTsconfig: join(root, buildConfig),
  };
}

/** Throws a message that says what to do when the project has not been built. */
export function requireBuiltEntry(project: UfopProject): string {
  if (!existsSync(project.builtEntry)) {
    throw new CliError(`${project.builtEntry} does not exist: build the project first (npm run build)`);
  }
  return project.builtEntry;
}

/**
 * The environment a project's processes will see: the real environment over the project's `.env`, read as the
 * framework reads it, for decisions the CLI makes before starting them.
 */
export function projectEnv(root: string, env: NodeJS.ProcessEnv = process.env): EnvRecord {
  return readUfopEnv(root, env);
}

/** The mode a project will run in, by the framework's own rule (`resolveMode`); a bad `UFOP_MODE` is a CliError. */
export function projectMode(env: EnvRecord): 'inline' | 'queue' {
  try {
    return resolveMode(env);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function findUp(from: string, name: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, name))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `outDir` of a tsconfig, following a relative `extends` chain; undefined when none is set. */
function tsOutDir(file: string, depth = 0): string | undefined {
  const config = readJson(file);
  if (!config || depth > 5) return undefined;
  const outDir = config.compilerOptions?.outDir;
  if (typeof outDir === 'string') return isAbsolute(outDir) ? outDir : join(dirname(file), outDir);
  if (typeof config.extends === 'string' && config.extends.startsWith('.')) {
    const parent = join(dirname(file), config.extends);
    return tsOutDir(parent.endsWith('.json') ? parent : `${parent}.json`, depth + 1);
  }
  return undefined;
}

/** Reads a JSON file that may hold comments and trailing commas, as tsconfig and nest-cli files do. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readJson(file: string): any {
  if (!existsSync(file)) return undefined;
  const errors: ParseError[] = [];
  const value = parse(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
  if (errors.length)
    throw new CliError(
      `${file} is not valid JSON (${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset})`,
    );
  return value;
}
