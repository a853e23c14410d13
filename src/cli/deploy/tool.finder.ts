import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The absolute path of an executable on PATH, as a shell would find it; undefined when there is none. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** What to tell someone who lacks a tool that `deploy` needs. */
export const TOOL_HELP: Record<string, string> = {
  docker: 'install Docker (https://docs.docker.com/get-docker/) and check that `docker info` works',
  qdoractl:
    'download qdoractl from Qiniu (the dora / UFOP documentation on developer.qiniu.com), put it on PATH, ' +
    'then log in once with `qdoractl login -u <AccessKey> -p <SecretKey>` and register the UFOP with `qdoractl register <ufop>`',
};
