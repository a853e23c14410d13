import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { readJson, UfopProject } from './ufop-project';

/** Whether `process` can run the project's build output instead of compiling its sources. */
export type BuildCheck = { fresh: true; appModule: string } | { fresh: false; reason: string };

/** Source files the build compiles; tests are not built, declarations not emitted. */
const SOURCE = /\.(ts|tsx|mts|cts)$/;
const NOT_BUILT = /(\.d\.ts|\.spec\.ts|\.e2e-spec\.ts|\.test\.ts)$/;

/**
 * The built file of a project file: `nest build` writes `<sourceRoot>/x.ts` to `<folder of the built entry>/x.js`
 * (`src/app.module.ts` → `dist/app.module.js`; the sample's `sample/app.module.ts` → `dist/sample/app.module.js`),
 * and files beside the source root keep their place relative to it (the sample's `src/index.ts` →
 * `dist/src/index.js`, where nest build points the `qiniu-ufop` path alias).
 */
export function builtPath(project: UfopProject, file: string): string {
  return join(project.builtEntry, '..', relative(project.sourceRoot, file)).replace(/\.[mc]?tsx?$/, '.js');
}

/**
 * The built root module when the build output is newer than every source file of the project, so running it
 * is running the sources (without a compiler, several times faster). Any newer source, or no build at all, means
 * the sources: a stale build must never answer for edited code.
 */
export function checkBuild(project: UfopProject): BuildCheck {
  const appModule = builtPath(project, project.appModuleFile);
  if (!existsSync(appModule)) return { fresh: false, reason: `no build output (${relative(project.root, appModule)})` };
  const builtAt = statSync(appModule).mtimeMs;
  const newer = newerSource(project, builtAt);
  if (newer) return { fresh: false, reason: `${relative(project.root, newer)} is newer than the build` };
  return { fresh: true, appModule };
}

/** The first source file (or tsconfig) modified after `time`, walking the project as the build sees it. */
function newerSource(project: UfopProject, time: number): string | undefined {
  const skipped = new Set([join(project.root, 'node_modules'), project.outDir, ...excludedFolders(project)]);
  for (const tsconfig of [project.tsconfig, project.buildTsconfig]) {
    if (existsSync(tsconfig) && statSync(tsconfig).mtimeMs > time) return tsconfig;
  }
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.') || skipped.has(path)) continue;
        const found = walk(path);
        if (found) return found;
      } else if (SOURCE.test(entry.name) && !NOT_BUILT.test(entry.name) && statSync(path).mtimeMs > time) {
        return path;
      }
    }
    return undefined;
  };
  return walk(project.root);
}

/** Plain folder names of the build tsconfig's `exclude` (`test`, `bench`): their files are not built. */
function excludedFolders(project: UfopProject): string[] {
  const exclude = readJson(project.buildTsconfig)?.exclude;
  if (!Array.isArray(exclude)) return [join(project.root, 'test')];
  return exclude
    .filter(
      (entry): entry is string => typeof entry === 'string' && /^[\w.-]+$/.test(entry) && basename(entry) === entry,
    )
    .map((entry) => join(project.root, entry));
}
