import { existsSync } from 'node:fs';
import { CliError } from '../cli.error';
import { UfopProject } from './ufop-project';

/** Which compiler runs the project's sources: SWC when the project has `@swc/core`, else TypeScript's own. */
export type SourceCompiler = 'swc' | 'typescript';

/**
 * Lets `require` load the project's TypeScript sources: ts-node compiles each file as it is required, with SWC when
 * the project has `@swc/core` (several times faster than TypeScript on a cold start), else with TypeScript,
 * transpile-only either way (type errors are `npm run build`'s job). tsconfig-paths applies the tsconfig `paths`
 * (the sample imports `qiniu-ufop` through one). All are resolved from the project, so it chooses their versions; a
 * Nest project has ts-node and tsconfig-paths as dev dependencies.
 */
export function registerTypeScript(project: UfopProject, projectRequire: NodeRequire): SourceCompiler {
  // ts-node's hook is process-wide: register once even if a test loads twice.
  const registered = process as unknown as { [REGISTERED]?: SourceCompiler };
  if (registered[REGISTERED]) return registered[REGISTERED];
  const tsNode = tryRequire(projectRequire, 'ts-node');
  if (!tsNode) {
    throw new CliError(
      'process runs the project from its TypeScript sources with ts-node, which is not installed here: ' +
        'npm install --save-dev ts-node typescript',
    );
  }
  const compiler: SourceCompiler = tryResolve(projectRequire, '@swc/core') ? 'swc' : 'typescript';
  tsNode.register({
    project: existsSync(project.tsconfig) ? project.tsconfig : undefined,
    transpileOnly: true,
    swc: compiler === 'swc',
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
  registered[REGISTERED] = compiler;
  return compiler;
}

const REGISTERED = Symbol.for('qiniu-ufop.ts-node-registered');

/** The project's copy of a package, or undefined when it has none. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function tryRequire(projectRequire: NodeRequire, name: string): any {
  const path = tryResolve(projectRequire, name);
  return path === undefined ? undefined : projectRequire(path);
}

function tryResolve(projectRequire: NodeRequire, name: string): string | undefined {
  try {
    return projectRequire.resolve(name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
