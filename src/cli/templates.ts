import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * This package's root: the nearest folder above this file whose package.json is qiniu-ufop's. The same
 * code runs from `src/cli` (tests, ts-node) and from `dist/src/cli` (the installed binary).
 */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'qiniu-ufop') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`qiniu-ufop's package.json not found above ${from}`);
    dir = parent;
  }
}

/** The Dockerfile shipped in docker/: the one `dockerfile` prints and `createproject` copies. */
export const dockerfileTemplate = () => join(packageRoot(), 'docker', 'Dockerfile');

/** The ignore file shipped beside it (BuildKit reads `<Dockerfile>.dockerignore`). */
export const dockerignoreTemplate = () => join(packageRoot(), 'docker', 'Dockerfile.dockerignore');
