import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const FAKE_BIN = join(__dirname, '..', 'fixtures', 'fake-bin');

/**
 * Puts the fake `docker` and `qdoractl` (test/fixtures/fake-bin: they log their arguments and fail on demand) in
 * `<dir>/bin`, executable, and returns that folder, to put first on a PATH.
 */
export function installFakeTools(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const file of ['docker', 'qdoractl', 'fake-tool.js']) {
    copyFileSync(join(FAKE_BIN, file), join(bin, file));
    chmodSync(join(bin, file), 0o755);
  }
  return bin;
}
