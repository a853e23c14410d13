import { SchematicTestRunner, UnitTestTree } from '@angular-devkit/schematics/testing';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dockerFixture } from '../../test/support/docker-fixture';

const collection = join(__dirname, '..', 'collection.json');
const ownPackage = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('application schematic (createproject)', () => {
  const runner = new SchematicTestRunner('qiniu-ufop', collection);
  const dockerDirs: string[] = [];
  const docker = (files?: Record<string, string>) => {
    const dir = dockerFixture(files);
    dockerDirs.push(dir);
    return dir;
  };
  const run = (options: Record<string, unknown>): Promise<UnitTestTree> =>
    runner.runSchematic('application', { dockerDir: docker(), ...options });

  afterAll(() => dockerDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('writes a complete project under the name by default', async () => {
    const tree = await run({ name: 'thumbs' });

    expect(tree.files.sort()).toEqual(
      [
        '/thumbs/.dockerignore',
        '/thumbs/.env.example',
        '/thumbs/.gitignore',
        '/thumbs/README.md',
        '/thumbs/docker/.dockerignore',
        '/thumbs/docker/Dockerfile',
        '/thumbs/docker/entrypoint.sh',
        '/thumbs/nest-cli.json',
        '/thumbs/package.json',
        '/thumbs/src/app.module.ts',
        '/thumbs/src/hello.handler.spec.ts',
        '/thumbs/src/hello.handler.ts',
        '/thumbs/src/main.ts',
        '/thumbs/test/app.e2e-spec.ts',
        '/thumbs/tsconfig.build.json',
        '/thumbs/tsconfig.json',
      ].sort(),
    );
  });

  it('writes into the tree root with directory "."', async () => {
    const tree = await run({ name: 'thumbs', directory: '.' });

    expect(tree.exists('/package.json')).toBe(true);
    expect(tree.exists('/src/main.ts')).toBe(true);
  });

  it('depends on this package at its own version, with the scripts and tools a project needs', async () => {
    const tree = await run({ name: 'thumbs', directory: '.' });
    const pkg = tree.readJson('/package.json') as Record<string, Record<string, string>> & { name: string };

    expect(pkg.name).toBe('thumbs');
    expect(pkg.dependencies['qiniu-ufop']).toBe(`^${ownPackage.version}`);
    expect(pkg.dependencies['@nestjs/core']).toBe(ownPackage.dependencies['@nestjs/core']);
    expect(Object.keys(pkg.scripts)).toEqual(
      expect.arrayContaining(['start', 'start:dev', 'start:worker', 'build', 'test']),
    );
    expect(pkg.scripts['start:worker']).toContain('UFOP_ROLE=worker');
    for (const tool of ['@nestjs/cli', '@nestjs/testing', 'typescript', 'jest', 'ts-jest', '@types/jest']) {
      expect(pkg.devDependencies[tool]).toBe(ownPackage.devDependencies[tool]);
    }
  });

  it('depends on a packed tarball when given a file: spec, and its README says how to move to the registry', async () => {
    const tree = await run({ name: 'thumbs', directory: '.', ufopDependency: 'file:vendor/qiniu-ufop-9.9.9.tgz' });
    const pkg = tree.readJson('/package.json') as Record<string, Record<string, string>>;

    expect(pkg.dependencies['qiniu-ufop']).toBe('file:vendor/qiniu-ufop-9.9.9.tgz');
    const readme = tree.readText('/README.md');
    expect(readme).toContain('qiniu-ufop comes from `vendor/qiniu-ufop-9.9.9.tgz`');
    expect(readme).toContain(`npm install qiniu-ufop@^${ownPackage.version}`);
    // Without a tarball the README says nothing of one.
    expect((await run({ name: 'thumbs', directory: '.' })).readText('/README.md')).not.toContain('vendor/');
  });

  it('links its README only to files that exist once installed, never to a registry page', async () => {
    const readme = (await run({ name: 'thumbs', directory: '.' })).readText('/README.md');
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((match) => match[1]);

    expect(links).toEqual(['node_modules/qiniu-ufop/README.md']);
    expect(readme).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('names this package as the nest-cli collection, so `nest g ufop-handler` works', async () => {
    const tree = await run({ name: 'thumbs', directory: '.' });

    expect(tree.readJson('/nest-cli.json')).toMatchObject({ collection: 'qiniu-ufop', sourceRoot: 'src' });
  });

  it('boots with UfopFactory and serves the example handler from AppModule', async () => {
    const tree = await run({ name: 'thumbs', directory: '.' });

    expect(tree.readText('/src/main.ts')).toContain('UfopFactory.bootstrap(AppModule)');
    const appModule = tree.readText('/src/app.module.ts');
    expect(appModule).toContain('UfopModule.forRoot()');
    expect(appModule).toMatch(/providers: \[HelloHandler\]/);
    expect(tree.readText('/src/hello.handler.ts')).toContain("@UfopHandler('hello/:name?')");
    expect(tree.readText('/src/hello.handler.spec.ts')).toContain('createUfopTestApp');
    expect(tree.readText('/test/app.e2e-spec.ts')).toContain("ufopName ?? 'thumbs'");
    expect(tree.readText('/README.md')).toContain('nest g ufop-handler');
  });

  it('copies the docker folder as it is, and its ignore file to .dockerignore at the root', async () => {
    const files = {
      Dockerfile: 'FROM scratch # marker-1\n',
      'entrypoint.sh': '#!/bin/sh\n# marker-2\n',
      'Dockerfile.dockerignore': 'marker-3\n',
    };
    const tree = await runner.runSchematic('application', { name: 'thumbs', directory: '.', dockerDir: docker(files) });

    expect(tree.readText('/docker/Dockerfile')).toBe(files.Dockerfile);
    expect(tree.readText('/docker/entrypoint.sh')).toBe(files['entrypoint.sh']);
    expect(tree.readText('/docker/Dockerfile.dockerignore')).toBe(files['Dockerfile.dockerignore']);
    expect(tree.readText('/.dockerignore')).toBe(files['Dockerfile.dockerignore']);
  });

  it('takes a plain .dockerignore from the docker folder too', async () => {
    const tree = await run({ name: 'thumbs', directory: '.' });

    expect(tree.readText('/.dockerignore')).toBe('node_modules\ndist\n');
  });

  it('writes a default .dockerignore when the docker folder has none', async () => {
    const tree = await runner.runSchematic('application', {
      name: 'thumbs',
      directory: '.',
      dockerDir: docker({ Dockerfile: 'FROM scratch\n' }),
    });

    expect(tree.readText('/.dockerignore')).toMatch(/^node_modules$/m);
  });

  it('fails, writing nothing, when the Dockerfile template is missing', async () => {
    await expect(
      runner.runSchematic('application', { name: 'thumbs', dockerDir: docker({ 'README.md': 'no Dockerfile' }) }),
    ).rejects.toThrow(/Dockerfile template is missing/);
  });

  it('leaves the tests out with spec: false', async () => {
    const tree = await run({ name: 'thumbs', directory: '.', spec: false });

    expect(tree.exists('/src/hello.handler.spec.ts')).toBe(false);
    expect(tree.exists('/test/app.e2e-spec.ts')).toBe(false);
    expect(tree.exists('/src/hello.handler.ts')).toBe(true);
  });

  it('drops the scope from the default directory of a scoped name', async () => {
    const tree = await run({ name: '@acme/thumbs' });

    expect((tree.readJson('/thumbs/package.json') as { name: string }).name).toBe('@acme/thumbs');
  });

  it.each([
    ['My App', /capital letters|URL-friendly/],
    ['.hidden', /period/],
    ['node_modules', /not a valid package name/],
    ['http', /core module/],
    ['a'.repeat(215), /214/],
  ])('refuses the invalid npm package name %j', async (name, reason) => {
    await expect(run({ name, directory: '.' })).rejects.toThrow(reason);
  });
});
