import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The installed qiniu-ufop package the schematic belongs to: its root folder and package.json. */
export interface UfopPackage {
  root: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * Finds qiniu-ufop's own package.json by walking up from this file: `dist/schematics/application` once built
 * and published, `schematics/application` when run from source (tests). Generated projects depend on this
 * exact version and take their Nest, Jest and TypeScript ranges from it, so they match what was tested here.
 */
export function findUfopPackage(from: string = __dirname): UfopPackage {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      if (json.name === 'qiniu-ufop') {
        return {
          root: dir,
          version: json.version,
          dependencies: json.dependencies ?? {},
          devDependencies: json.devDependencies ?? {},
        };
      }
    }
    if (dirname(dir) === dir) throw new Error(`qiniu-ufop's package.json was not found above ${from}`);
  }
}
