import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from './support/build';
import { runCli } from './support/cli-process';

const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/**
 * `createproject` run from this checkout (the built binary, as `npm run createproject` runs it): the registry may not
 * have this version, so the project depends on a tarball packed into its vendor/ folder. The full install-build-serve
 * path is test/createproject.e2e-spec.ts's; this checks what the checkout adds, without the registry.
 */
describe('createproject from a checkout', () => {
  let tmp: string;

  beforeAll(async () => {
    await ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'ufop-checkout-project-'));
  }, 300_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('packs qiniu-ufop into vendor/ and depends on it by a relative file: path', async () => {
    const target = join(tmp, 'thumbs');
    const result = await runCli(['createproject', target]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout.toString();
    expect(out).toContain(`CREATE vendor/qiniu-ufop-${version}.tgz`);
    expect(out).toContain(`qiniu-ufop comes from the tarball in vendor/ (packed from ${ROOT})`);

    const pkg = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
    expect(pkg.dependencies['qiniu-ufop']).toBe(`file:vendor/qiniu-ufop-${version}.tgz`);
    // The tarball is what `npm pack` ships: the built library, CLI and schematics, the Docker templates.
    const listing = execFileSync('tar', ['-tzf', join(target, 'vendor', `qiniu-ufop-${version}.tgz`)], {
      encoding: 'utf8',
    }).split('\n');
    expect(listing).toEqual(
      expect.arrayContaining([
        'package/dist/src/index.js',
        'package/dist/src/cli/main.js',
        'package/dist/schematics/collection.json',
        'package/docker/Dockerfile',
      ]),
    );
    expect(listing.some((file) => file.startsWith('package/src/'))).toBe(false);

    const readme = readFileSync(join(target, 'README.md'), 'utf8');
    expect(readme).toContain(`qiniu-ufop comes from \`vendor/qiniu-ufop-${version}.tgz\``);
  }, 120_000);

  it('--no-pack depends on the registry version and packs nothing', async () => {
    const target = join(tmp, 'from-registry');
    const result = await runCli(['createproject', target, '--no-pack']);
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).dependencies['qiniu-ufop']).toBe(
      `^${version}`,
    );
    expect(existsSync(join(target, 'vendor'))).toBe(false);
    expect(result.stdout.toString()).not.toContain('tarball');
  }, 60_000);
});
