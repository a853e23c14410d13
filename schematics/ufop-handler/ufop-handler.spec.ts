import { SchematicTestRunner, UnitTestTree } from '@angular-devkit/schematics/testing';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { dockerFixture } from '../../test/support/docker-fixture';

const collection = join(__dirname, '..', 'collection.json');

describe('ufop-handler schematic (nest g ufop-handler)', () => {
  const runner = new SchematicTestRunner('qiniu-ufop', collection);
  const dockerDir = dockerFixture();
  let project: UnitTestTree;

  // Options as `nest g` passes them in a generated project (sourceRoot from its nest-cli.json).
  const generate = (name: string, options: Record<string, unknown> = {}, tree = project) =>
    runner.runSchematic('ufop-handler', { name, sourceRoot: 'src', spec: true, flat: false, ...options }, tree);

  // A fresh project per test: running a schematic on a tree changes that tree.
  beforeEach(async () => {
    project = await runner.runSchematic('application', { name: 'thumbs', directory: '.', dockerDir });
  });

  afterAll(() => rmSync(dockerDir, { recursive: true, force: true }));

  it('writes the handler and its spec in a folder named after it', async () => {
    const tree = await generate('thumbnail');

    expect(tree.files.filter((file) => file.startsWith('/src/thumbnail/')).sort()).toEqual([
      '/src/thumbnail/thumbnail.handler.spec.ts',
      '/src/thumbnail/thumbnail.handler.ts',
    ]);
  });

  it('writes an injectable class whose @UfopHandler method serves the name as its route', async () => {
    const source = (await generate('thumbnail')).readText('/src/thumbnail/thumbnail.handler.ts');

    expect(source).toContain("import { UfopHandler, UfopInput } from 'qiniu-ufop';");
    expect(source).toMatch(/@Injectable\(\)\s+export class ThumbnailHandler \{/);
    expect(source).toMatch(/@UfopHandler\('thumbnail'\)\s+async thumbnail\(input: UfopInput\)/);
  });

  it('writes a spec that runs the route with the testing helper', async () => {
    const spec = (await generate('thumbnail')).readText('/src/thumbnail/thumbnail.handler.spec.ts');

    expect(spec).toContain("import { ThumbnailHandler } from './thumbnail.handler';");
    expect(spec).toContain('createUfopTestApp({ providers: [ThumbnailHandler] })');
    expect(spec).toContain("ufop.run('thumbnail'");
  });

  it('registers the class in the nearest module, as nest g service does', async () => {
    const appModule = (await generate('thumbnail')).readText('/src/app.module.ts');

    expect(appModule).toContain("import { ThumbnailHandler } from './thumbnail/thumbnail.handler';");
    expect(appModule).toMatch(/providers: \[HelloHandler, ThumbnailHandler\]/);
  });

  it('registers in a feature module when one is nearer than AppModule', async () => {
    project.create(
      '/src/image/image.module.ts',
      "import { Module } from '@nestjs/common';\n\n@Module({})\nexport class ImageModule {}\n",
    );
    const tree = await generate('image/video-cover');

    expect(tree.exists('/src/image/video-cover/video-cover.handler.ts')).toBe(true);
    const source = tree.readText('/src/image/video-cover/video-cover.handler.ts');
    expect(source).toMatch(/export class VideoCoverHandler \{/);
    expect(source).toMatch(/@UfopHandler\('video-cover'\)\s+async videoCover\(/);
    const imageModule = tree.readText('/src/image/image.module.ts');
    expect(imageModule).toContain("import { VideoCoverHandler } from './video-cover/video-cover.handler';");
    expect(imageModule).toMatch(/providers: \[VideoCoverHandler\]/);
    expect(tree.readText('/src/app.module.ts')).not.toContain('VideoCoverHandler');
  });

  it('writes into the path itself with --flat', async () => {
    const tree = await generate('thumbnail', { flat: true });

    expect(tree.exists('/src/thumbnail.handler.ts')).toBe(true);
    expect(tree.exists('/src/thumbnail.handler.spec.ts')).toBe(true);
    expect(tree.exists('/src/thumbnail/thumbnail.handler.ts')).toBe(false);
    expect(tree.readText('/src/app.module.ts')).toContain("import { ThumbnailHandler } from './thumbnail.handler';");
  });

  it('writes no spec with --no-spec', async () => {
    const tree = await generate('thumbnail', { spec: false });

    expect(tree.exists('/src/thumbnail/thumbnail.handler.ts')).toBe(true);
    expect(tree.exists('/src/thumbnail/thumbnail.handler.spec.ts')).toBe(false);
  });

  it('uses the spec file suffix asked for', async () => {
    const tree = await generate('thumbnail', { specFileSuffix: 'test' });

    expect(tree.exists('/src/thumbnail/thumbnail.handler.test.ts')).toBe(true);
  });

  it('leaves modules alone with --skip-import', async () => {
    const tree = await generate('thumbnail', { skipImport: true });

    expect(tree.exists('/src/thumbnail/thumbnail.handler.ts')).toBe(true);
    expect(tree.readText('/src/app.module.ts')).not.toContain('ThumbnailHandler');
  });

  it('honours the source root and --path', async () => {
    const tree = await generate('thumbnail', { sourceRoot: 'apps/api', path: 'handlers' });

    expect(tree.exists('/apps/api/handlers/thumbnail/thumbnail.handler.ts')).toBe(true);
  });

  it('turns a camel-case name into kebab-case files and route', async () => {
    const tree = await generate('videoCover', { skipImport: true });

    const source = tree.readText('/src/video-cover/video-cover.handler.ts');
    expect(source).toContain("@UfopHandler('video-cover')");
    expect(source).toContain('export class VideoCoverHandler');
  });

  it.each(['2thumb', 'thumb!', '-thumb', 'thumb.png'])(
    'refuses the name %j, which cannot be a class and route',
    async (name) => {
      await expect(generate(name)).rejects.toThrow(/Invalid handler name/);
    },
  );

  it('extends @nestjs/schematics: `nest g service` still works with this collection', async () => {
    const tree = await runner.runSchematic(
      'service',
      { name: 'images', sourceRoot: 'src', spec: true, flat: false },
      project,
    );

    expect(tree.exists('/src/images/images.service.ts')).toBe(true);
    expect(tree.readText('/src/app.module.ts')).toContain('ImagesService');
  });
});
