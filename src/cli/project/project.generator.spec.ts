import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerFixture } from '../../../test/support/docker-fixture';
import { createProject } from './project.generator';

describe('createProject (qiniu-ufop createproject)', () => {
  let parent: string;
  let dockerDir: string;

  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'ufop-createproject-'));
    dockerDir = dockerFixture();
  });

  afterEach(() => {
    rmSync(parent, { recursive: true, force: true });
    rmSync(dockerDir, { recursive: true, force: true });
  });

  it('writes the project into a new folder named after it, creating parents', async () => {
    const target = join(parent, 'nested', 'thumbs');
    const project = await createProject({ target, dockerDir });

    expect(project.name).toBe('thumbs');
    expect(project.files).toEqual(
      expect.arrayContaining(['package.json', join('src', 'main.ts'), join('docker', 'Dockerfile')]),
    );
    expect(JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).name).toBe('thumbs');
    expect(readFileSync(join(target, 'docker', 'Dockerfile'), 'utf8')).toBe(
      readFileSync(join(dockerDir, 'Dockerfile'), 'utf8'),
    );
    // No staging folder is left beside the project.
    expect(readdirSync(join(parent, 'nested'))).toEqual(['thumbs']);
  });

  it('depends on qiniu-ufop from the registry by default', async () => {
    const target = join(parent, 'thumbs');
    const project = await createProject({ target, dockerDir });

    expect(project.ufopDependency).toMatch(/^\^\d+\.\d+\.\d+/);
    expect(existsSync(join(target, 'vendor'))).toBe(false);
  });

  it('with pack, packs qiniu-ufop into vendor/ and depends on the tarball by a relative file: path', async () => {
    // A stand-in package (npm pack of the real one needs a build); npm pack runs for real.
    const ufopRoot = join(parent, 'ufop-pkg');
    mkdirSync(ufopRoot);
    writeFileSync(
      join(ufopRoot, 'package.json'),
      JSON.stringify({ name: 'qiniu-ufop', version: '9.9.9', files: ['index.js'] }),
    );
    writeFileSync(join(ufopRoot, 'index.js'), 'module.exports = 1;\n');
    const target = join(parent, 'thumbs');
    const project = await createProject({ target, dockerDir, pack: true, ufopRoot });

    expect(project.ufopDependency).toBe('file:vendor/qiniu-ufop-9.9.9.tgz');
    expect(project.files).toContain(join('vendor', 'qiniu-ufop-9.9.9.tgz'));
    expect(JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).dependencies['qiniu-ufop']).toBe(
      'file:vendor/qiniu-ufop-9.9.9.tgz',
    );
    expect(statSync(join(target, 'vendor', 'qiniu-ufop-9.9.9.tgz')).size).toBeGreaterThan(0);
  });

  it('refuses to pack a checkout that has not been built', async () => {
    const ufopRoot = join(parent, 'checkout');
    mkdirSync(join(ufopRoot, 'src', 'cli'), { recursive: true });
    writeFileSync(join(ufopRoot, 'package.json'), JSON.stringify({ name: 'qiniu-ufop', version: '9.9.9' }));
    writeFileSync(join(ufopRoot, 'src', 'cli', 'main.ts'), '');

    await expect(createProject({ target: join(parent, 'thumbs'), dockerDir, pack: true, ufopRoot })).rejects.toThrow(
      /is not built: run `npm run build` there first/,
    );
    expect(readdirSync(parent)).toEqual(['checkout']);
  });

  it('keeps the executable bit of scripts copied from the docker folder', async () => {
    chmodSync(join(dockerDir, 'entrypoint.sh'), 0o755);
    const target = join(parent, 'thumbs');
    await createProject({ target, dockerDir });

    expect(statSync(join(target, 'docker', 'entrypoint.sh')).mode & 0o111).not.toBe(0);
    expect(statSync(join(target, 'docker', 'Dockerfile')).mode & 0o111).toBe(0);
  });

  it('writes into an existing empty folder', async () => {
    const target = join(parent, 'thumbs');
    mkdirSync(target);
    await createProject({ target, dockerDir });

    expect(existsSync(join(target, 'src', 'app.module.ts'))).toBe(true);
  });

  it('refuses a non-empty folder without --force and leaves it alone', async () => {
    const target = join(parent, 'thumbs');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine');

    await expect(createProject({ target, dockerDir })).rejects.toThrow(/is not empty\. Use --force/);
    expect(readdirSync(target)).toEqual(['notes.txt']);
    expect(readdirSync(parent)).toEqual(['thumbs']);
  });

  it('with --force, replaces files with the same names and keeps the others', async () => {
    const target = join(parent, 'thumbs');
    mkdirSync(join(target, 'src'), { recursive: true });
    writeFileSync(join(target, 'notes.txt'), 'mine');
    writeFileSync(join(target, 'src', 'extra.ts'), 'export const mine = 1;\n');
    writeFileSync(join(target, 'package.json'), '{"name":"old"}');

    await createProject({ target, dockerDir, force: true });

    expect(readFileSync(join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(target, 'src', 'extra.ts'), 'utf8')).toContain('mine');
    expect(JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).name).toBe('thumbs');
    expect(existsSync(join(target, 'src', 'main.ts'))).toBe(true);
  });

  it('refuses a folder whose name is not a valid package name, suggesting one', async () => {
    const target = join(parent, 'My Thumbs');

    await expect(createProject({ target, dockerDir })).rejects.toThrow(
      /"My Thumbs" is not a valid npm package name.*"my-thumbs"/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('writes nothing when generation fails', async () => {
    const target = join(parent, 'thumbs');
    rmSync(join(dockerDir, 'Dockerfile'));

    await expect(createProject({ target, dockerDir })).rejects.toThrow(
      /Could not create the project: .*Dockerfile template is missing/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('with --force, leaves an existing folder as it was when generation fails', async () => {
    const target = join(parent, 'thumbs');
    mkdirSync(target);
    writeFileSync(join(target, 'package.json'), '{"name":"old"}');
    rmSync(join(dockerDir, 'Dockerfile'));

    await expect(createProject({ target, dockerDir, force: true })).rejects.toThrow(/Dockerfile template is missing/);
    expect(readdirSync(target)).toEqual(['package.json']);
    expect(readFileSync(join(target, 'package.json'), 'utf8')).toBe('{"name":"old"}');
    expect(readdirSync(parent)).toEqual(['thumbs']);
  });
});
