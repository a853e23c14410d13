import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where a project created from a checkout keeps the packed qiniu-ufop, relative to the project folder. */
export const VENDOR_DIR = 'vendor';

/**
 * True when qiniu-ufop runs from a source checkout (it has `src/cli/main.ts`), not from an installed package:
 * then the registry may not have this version yet (or any), so a new project depends on a packed tarball.
 */
export function isCheckout(ufopRoot: string): boolean {
  return existsSync(join(ufopRoot, 'src', 'cli', 'main.ts'));
}

/**
 * Packs the qiniu-ufop at `ufopRoot` (its built `dist/`, as `npm pack` ships it) into `<project>/vendor/`, and
 * returns the dependency spec that points at it (`file:vendor/qiniu-ufop-<version>.tgz`), relative to the
 * project so that the project folder can be moved or committed with it.
 */
export async function packUfopInto(ufopRoot: string, project: string): Promise<string> {
  if (isCheckout(ufopRoot) && !existsSync(join(ufopRoot, 'dist', 'src', 'index.js'))) {
    throw new Error(`${ufopRoot} is not built: run \`npm run build\` there first (the tarball ships dist/).`);
  }
  const destination = join(project, VENDOR_DIR);
  mkdirSync(destination, { recursive: true });
  let stdout: string;
  try {
    ({ stdout } = await run('npm', ['pack', '--json', '--silent', '--pack-destination', destination], {
      cwd: ufopRoot,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const err = error as Error & { stderr?: string };
    throw new Error(`npm pack failed in ${ufopRoot}: ${(err.stderr || err.message).trim()}`);
  }
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  const tarball = join(destination, packed.filename);
  if (!existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
  return `file:${relative(project, tarball).split('\\').join('/')}`;
}
