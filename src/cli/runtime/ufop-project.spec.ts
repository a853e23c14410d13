import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProject, projectEnv, projectMode, requireBuiltEntry } from './ufop-project';

describe('finding the project', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ufop-project-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"p"}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the standard Nest layout when nest-cli.json says nothing (a generated project)', () => {
    mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
    const project = findProject(join(dir, 'src', 'deep'));
    expect(project).toEqual({
      root: dir,
      packageName: 'p',
      sourceRoot: join(dir, 'src'),
      outDir: join(dir, 'dist'),
      appModuleFile: join(dir, 'src', 'app.module.ts'),
      appModuleExport: 'AppModule',
      builtEntry: join(dir, 'dist', 'main.js'),
      tsconfig: join(dir, 'tsconfig.json'),
      buildTsconfig: join(dir, 'tsconfig.build.json'),
    });
  });

  it('reads sourceRoot, entryFile and the build tsconfig outDir, comments and trailing commas allowed (the sample)', () => {
    writeFileSync(
      join(dir, 'nest-cli.json'),
      '{ // the sample\n "sourceRoot": "sample", "entryFile": "sample/main", "compilerOptions": { "tsConfigPath": "tsconfig.build.json", }, }',
    );
    writeFileSync(join(dir, 'tsconfig.build.json'), '{ "extends": "./tsconfig.json" }');
    writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": { /* out */ "outDir": "./build" } }');
    const project = findProject(dir);
    expect(project.appModuleFile).toBe(join(dir, 'sample', 'app.module.ts'));
    expect(project.builtEntry).toBe(join(dir, 'build', 'sample', 'main.js'));
  });

  it('takes --module file#Export and --entry relative to the working directory', () => {
    const project = findProject(dir, { module: 'lib/root.ts#RootModule', entry: 'out/x.js' });
    expect([project.appModuleFile, project.appModuleExport, project.builtEntry]).toEqual([
      join(dir, 'lib', 'root.ts'),
      'RootModule',
      join(dir, 'out', 'x.js'),
    ]);
  });

  it('says what to do when there is no build yet', () => {
    expect(() => requireBuiltEntry(findProject(dir))).toThrow(
      `${join(dir, 'dist', 'main.js')} does not exist: build the project first (npm run build)`,
    );
  });

  it('reads .env under the real environment, and the mode from it', () => {
    writeFileSync(join(dir, '.env'), 'REDIS_URL=redis://from-file\nUFOP_MODE=queue\n');
    expect(projectEnv(dir, { UFOP_MODE: 'inline' })).toMatchObject({
      REDIS_URL: 'redis://from-file',
      UFOP_MODE: 'inline',
    });
    expect(projectMode(projectEnv(dir, {}))).toBe('queue');
    expect(projectMode({ REDIS_URL: 'redis://x' })).toBe('queue');
    expect(projectMode({ REDIS_SENTINELS: 's1:26379' })).toBe('queue');
    expect(projectMode({ REDIS_URL: 'redis://x', UFOP_MODE: 'INLINE' })).toBe('inline');
    expect(projectMode({})).toBe('inline');
  });
});
