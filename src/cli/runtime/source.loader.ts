import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { UfopRunRequest, UfopRunResponse } from '../../execution/ufop.runner';
import type { UfopRouteRegistry } from '../../routing/ufop-route.registry';
import { CliError } from '../cli.error';
import { UfopProject } from './ufop-project';

/** What `process` needs from a project, loaded from its TypeScript sources. */
export interface LoadedProject {
  /** The project's root module. */
  appModule: unknown;
  /** `runUfopCommand` from the qiniu-ufop the project itself uses (so its classes match the app's). */
  runUfopCommand: (app: INestApplicationContext, request: UfopRunRequest) => Promise<UfopRunResponse>;
  /** Creates the application context with the project's own @nestjs/core. */
  createContext: (options: { logger: LoggerService | false }) => Promise<INestApplicationContext>;
  /** The routes the application discovered, most specific first, with the method serving each. */
  listRoutes: (app: INestApplicationContext) => Array<{ pattern: string; handler: string }>;
}

type Require = NodeRequire;

/**
 * Loads a project from source, without a build step: ts-node compiles each file as it is required
 * (transpile-only: type errors are `npm run build`'s job, and this keeps a run to about a second), and
 * tsconfig-paths applies the tsconfig `paths` (the sample imports `qiniu-ufop` through one). Both are
 * resolved from the project, so it chooses their versions; a Nest project has them as dev dependencies.
 *
 * The framework is required from the project too, never from this CLI's own copy: a class such as
 * `UfopDispatcher` must be the very one the app registered, or the lookup misses it.
 */
export function loadProjectFromSource(project: UfopProject): LoadedProject {
  if (!existsSync(project.appModuleFile)) {
    throw new CliError(`${relative(process.cwd(), project.appModuleFile) || project.appModuleFile} does not exist: ` +
      'process loads the root module from <sourceRoot>/app.module.ts (nest-cli.json); pass --module <file>[#Export] to choose another');
  }
  const projectRequire = createRequire(join(project.root, 'package.json'));
  registerTypeScript(project, projectRequire);

  const exports = projectRequire(project.appModuleFile);
  const appModule = exports[project.appModuleExport];
  if (!appModule) {
    throw new CliError(`${project.appModuleFile} does not export ${project.appModuleExport}`);
  }

  let frameworkPath: string;
  try {
    frameworkPath = projectRequire.resolve('qiniu-ufop');
  } catch {
    throw new CliError('this project does not depend on qiniu-ufop: npm install qiniu-ufop');
  }
  const frameworkRequire = createRequire(frameworkPath);
  const { NestFactory } = frameworkRequire('@nestjs/core');
  return {
    appModule,
    // Internal to qiniu-ufop (not in its index): taken from the project's copy, beside its index.
    runUfopCommand: frameworkRequire('./execution/ufop.runner').runUfopCommand,
    // abortOnError false: a boot error is thrown to us, to print as a message, instead of exiting the process.
    createContext: ({ logger }) => NestFactory.createApplicationContext(appModule, { logger, abortOnError: false }),
    listRoutes: (app) =>
      // Internal to qiniu-ufop, so taken from the project's copy beside its index (dist/src, or src for the sample).
      (app.get(frameworkRequire('./routing/ufop-route.registry').UfopRouteRegistry, { strict: false }) as UfopRouteRegistry)
        .all()
        .map((def) => ({ pattern: def.route.pattern instanceof RegExp ? String(def.route.pattern) : def.route.pattern, handler: `${def.className}.${def.methodName}()` })),
  };
}

function registerTypeScript(project: UfopProject, projectRequire: Require): void {
  // ts-node's hook is process-wide: register once even if a test loads twice.
  const registered = process as unknown as { [TS_NODE_REGISTERED]?: boolean };
  if (registered[TS_NODE_REGISTERED]) return;
  const tsNode = tryRequire(projectRequire, 'ts-node');
  if (!tsNode) {
    throw new CliError('process runs the project from its TypeScript sources with ts-node, which is not installed here: ' +
      'npm install --save-dev ts-node typescript');
  }
  tsNode.register({
    project: existsSync(project.tsconfig) ? project.tsconfig : undefined,
    transpileOnly: true,
    // The CLI runs CommonJS: a project tsconfig aimed at ESM output would not load here.
    compilerOptions: { module: 'commonjs' },
  });
  const tsconfigPaths = tryRequire(projectRequire, 'tsconfig-paths');
  if (tsconfigPaths) {
    const config = tsconfigPaths.loadConfig(project.root);
    if (config.resultType === 'success' && Object.keys(config.paths ?? {}).length) {
      tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths, addMatchAll: false });
    }
  }
  registered[TS_NODE_REGISTERED] = true;
}

const TS_NODE_REGISTERED = Symbol.for('qiniu-ufop.ts-node-registered');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function tryRequire(projectRequire: Require, name: string): any {
  try {
    return projectRequire(projectRequire.resolve(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
