import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Dockerfile `deploy` builds: a project made by createproject may have ./Dockerfile; this repository keeps it in docker/. */
export function defaultDockerfile(root: string): string {
  return existsSync(join(root, 'Dockerfile')) || !existsSync(join(root, 'docker', 'Dockerfile'))
    ? 'Dockerfile'
    : 'docker/Dockerfile';
}
