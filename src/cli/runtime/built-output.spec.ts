import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { builtPath, checkBuild } from './built-output';
import { findProject } from './ufop-project';

describe('running the build output instead of the sources', () => {
  let dir: string;
  const write = (file: string, text = '', seconds = 1000) => {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    utimesSync(path, seconds, seconds);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ufop-built-'));
    write('package.json', '{"name":"p"}');
    write('tsconfig.build.json', '{"exclude":["node_modules","test","dist","**/*spec.ts"]}');
    write('src/app.module.ts');
    write('src/deep/thing.ts');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("mirrors the source root into the built entry's folder, and what lies beside it too (the sample)", () => {
    const project = findProject(dir);
    expect(builtPath(project, project.appModuleFile)).toBe(join(dir, 'dist', 'app.module.js'));
    write('nest-cli.json', '{"sourceRoot":"sample","entryFile":"sample/main"}');
    const sample = findProject(dir);
    expect(builtPath(sample, sample.appModuleFile)).toBe(join(dir, 'dist', 'sample', 'app.module.js'));
    expect(builtPath(sample, join(dir, 'src', 'index.ts'))).toBe(join(dir, 'dist', 'src', 'index.js'));
  });

  it('uses the build when it is newer than every source', () => {
    write('dist/app.module.js', '', 2000);
    expect(checkBuild(findProject(dir))).toEqual({ fresh: true, appModule: join(dir, 'dist', 'app.module.js') });
  });

  it('uses the sources when there is no build, or a source or tsconfig is newer', () => {
    expect(checkBuild(findProject(dir))).toEqual({ fresh: false, reason: 'no build output (dist/app.module.js)' });
    write('dist/app.module.js', '', 2000);
    write('src/deep/thing.ts', '', 3000);
    expect(checkBuild(findProject(dir))).toEqual({ fresh: false, reason: 'src/deep/thing.ts is newer than the build' });
    write('src/deep/thing.ts', '', 1000);
    write('tsconfig.build.json', '{}', 3000);
    expect(checkBuild(findProject(dir))).toMatchObject({
      fresh: false,
      reason: 'tsconfig.build.json is newer than the build',
    });
  });

  it('ignores what the build does not compile: tests, specs, declarations, node_modules, excluded folders', () => {
    write('dist/app.module.js', '', 2000);
    for (const file of [
      'test/app.e2e-spec.ts',
      'src/a.spec.ts',
      'src/types.d.ts',
      'node_modules/x/index.ts',
      '.cache/y.ts',
      'src/notes.md',
    ]) {
      write(file, '', 3000);
    }
    expect(checkBuild(findProject(dir))).toMatchObject({ fresh: true });
  });
});
