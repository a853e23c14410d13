import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { UfopRunRequest, UfopRunResponse } from '../../execution/ufop.runner';
import type { UfopRouteRegistry } from '../../routing/ufop-route.registry';
import { CliError } from '../cli.error';
import { builtPath, checkBuild } from './built-output';
import { registerTypeScript, tryRequire } from './typescript.register';
import { UfopProject } from './ufop-project';

/** What `process` and `doctor` need from a project, loaded in this process. */
export interface LoadedProject {
  /** The project's root module. */
  appModule: unknown;
  /** Where the code came from, for `--verbose`: the build output, or the sources and their compiler. */
  from: string;
  /** `runUfopCommand` from the qiniu-ufop the project itself uses (so its classes match the app's). */
  runUfopCommand: (app: INestApplicationContext, request: UfopRunRequest) => Promise<UfopRunResponse>;
  /** Creates the application context with the project's own @nestjs/core. */
  createContext: (options: { logger: LoggerService | false }) => Promise<INestApplicationContext>;
  /** The routes the application discovered, most specific first, with the method serving each. */
  listRoutes: (app: INestApplicationContext) => Array<{ pattern: string; handler: string }>;
  /** Whether a route matches the command (its arguments may still be invalid). */
  hasRoute: (app: INestApplicationContext, command: string) => boolean;
}

/**
 * Loads a project for `process`: its build output when that is newer than every source (no compiler to load, the
 * fastest start), else its sources (`loadProjectFromSource`).
 */
export function loadProject(project: UfopProject): LoadedProject {
  requireAppModuleFile(project);
  const build = checkBuild(project);
  if (!build.fresh) {
    const loaded = loadProjectFromSource(project);
    return { ...loaded, from: `${loaded.from}: ${build.reason}` };
  }
  const projectRequire = createRequire(join(project.root, 'package.json'));
  const exports = projectRequire(build.appModule);
  return withFramework(
    project,
    exports,
    builtFramework(project, projectRequire),
    `the build output (${relative(project.root, build.appModule)})`,
  );
}

/**
 * Loads a project from its TypeScript sources, without a build step (see `registerTypeScript`).
 *
 * The framework is required from the project too, never from this CLI's own copy: a class such as
 * `UfopDispatcher` must be the very one the app registered, or the lookup misses it.
 */
export function loadProjectFromSource(project: UfopProject): LoadedProject {
  requireAppModuleFile(project);
  const projectRequire = createRequire(join(project.root, 'package.json'));
  const compiler = registerTypeScript(project, projectRequire);
  const exports = projectRequire(project.appModuleFile);
  const from = `the sources, compiled by ${compiler === 'swc' ? 'SWC' : 'TypeScript'} (ts-node)`;
  return withFramework(project, exports, frameworkPath(projectRequire), from);
}

function requireAppModuleFile(project: UfopProject): void {
  if (!existsSync(project.appModuleFile)) {
    throw new CliError(
      `${relative(process.cwd(), project.appModuleFile) || project.appModuleFile} does not exist: ` +
        'process loads the root module from <sourceRoot>/app.module.ts (nest-cli.json); pass --module <file>[#Export] to choose another',
    );
  }
}

function withFramework(
  project: UfopProject,
  exports: Record<string, unknown>,
  frameworkFile: string,
  from: string,
): LoadedProject {
  const appModule = exports[project.appModuleExport];
  if (!appModule) {
    throw new CliError(`${project.appModuleFile} does not export ${project.appModuleExport}`);
  }
  const frameworkRequire = createRequire(frameworkFile);
  const { NestFactory } = frameworkRequire('@nestjs/core');
  // Internal to qiniu-ufop, so taken from the project's copy beside its index (dist/src, or src for the sample).
  const registry = (app: INestApplicationContext): UfopRouteRegistry =>
    app.get(frameworkRequire('./routing/ufop-route.registry').UfopRouteRegistry, { strict: false });
  return {
    appModule,
    from,
    // Internal to qiniu-ufop (not in its index): taken from the project's copy, beside its index.
    runUfopCommand: frameworkRequire('./execution/ufop.runner').runUfopCommand,
    // abortOnError false: a boot error is thrown to us, to print as a message, instead of exiting the process.
    createContext: ({ logger }) => NestFactory.createApplicationContext(appModule, { logger, abortOnError: false }),
    listRoutes: (app) =>
      registry(app)
        .all()
        .map((def) => ({
          pattern: def.route.pattern instanceof RegExp ? String(def.route.pattern) : def.route.pattern,
          handler: `${def.className}.${def.methodName}()`,
        })),
    hasRoute: (app, command) => {
      try {
        return registry(app).match(command) !== undefined;
      } catch {
        return true; // a route matched its pattern but not the key/value pairs after it: still that route's cmd
      }
    },
  };
}

function frameworkPath(projectRequire: NodeRequire): string {
  try {
    return projectRequire.resolve('qiniu-ufop');
  } catch {
    throw new CliError('this project does not depend on qiniu-ufop: npm install qiniu-ufop');
  }
}

/**
 * The framework the built app requires: the installed package, or, through a tsconfig `paths` alias (the sample's
 * `qiniu-ufop` → `src`), its built copy, where nest build pointed the import.
 */
function builtFramework(project: UfopProject, projectRequire: NodeRequire): string {
  try {
    return projectRequire.resolve('qiniu-ufop');
  } catch {
    const tsconfigPaths = tryRequire(projectRequire, 'tsconfig-paths');
    const config = tsconfigPaths?.loadConfig(project.root);
    const source: string | undefined =
      config?.resultType === 'success' && config.paths
        ? tsconfigPaths.createMatchPath(config.absoluteBaseUrl, config.paths)('qiniu-ufop', undefined, undefined, [
            '.ts',
            '.tsx',
            '.js',
          ])
        : undefined;
    if (!source) throw new CliError('this project does not depend on qiniu-ufop: npm install qiniu-ufop');
    return projectRequire.resolve(builtPath(project, source));
  }
}
