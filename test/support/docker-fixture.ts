import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in for qiniu-ufop's docker/ folder, so that schematic tests check copying without depending on
 * the real templates' content (the createproject e2e test uses the real ones).
 */
export function dockerFixture(files: Record<string, string> = defaultDockerFiles): string {
  const dir = mkdtempSync(join(tmpdir(), 'ufop-docker-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

export const defaultDockerFiles: Record<string, string> = {
  Dockerfile: 'FROM node:20-slim\nCOPY . /app\nCMD ["node", "dist/main"]\n',
  'entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
  '.dockerignore': 'node_modules\ndist\n',
};
