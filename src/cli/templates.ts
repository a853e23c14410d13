import { join } from 'node:path';
import { findUfopPackage } from '../../schematics/application/ufop-package';

/**
 * This package's root: the nearest folder above this file whose package.json is qiniu-ufop's. The same
 * code runs from `src/cli` (tests, ts-node) and from `dist/src/cli` (the installed binary).
 */
export function packageRoot(from = __dirname): string {
  return findUfopPackage(from).root;
}

/** The Dockerfile shipped in docker/: the one `dockerfile` prints and `createproject` copies. */
export const dockerfileTemplate = () => join(packageRoot(), 'docker', 'Dockerfile');

/** The ignore file shipped beside it (BuildKit reads `<Dockerfile>.dockerignore`). */
export const dockerignoreTemplate = () => join(packageRoot(), 'docker', 'Dockerfile.dockerignore');
