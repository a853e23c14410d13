import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { projectNameProblems, suggestProjectName } from '../../../schematics/application/project-name';
import { listFiles, projectFiles } from '../../../schematics/application/project.files';
import { findUfopPackage } from '../../../schematics/application/ufop-package';
import { packUfopInto } from './ufop-tarball';

export interface CreateProjectOptions {
  /** Absolute path of the project folder; its name is the project's name. */
  target: string;
  /** Write into a non-empty folder, replacing files that have the same names. */
  force?: boolean;
  /** Folder with the Docker templates: this package's `docker/` by default (tests pass their own). */
  dockerDir?: string;
  /**
   * Pack this qiniu-ufop (`npm pack`) into the project's `vendor/` and depend on the tarball (`file:`), for a
   * version that is not on the registry; otherwise the project depends on `^<version>` from the registry.
   */
  pack?: boolean;
  /** The qiniu-ufop to pack: the one running (tests pass their own). */
  ufopRoot?: string;
  /** Add the `thumb` image handler and the `sharp` dependency it needs. */
  image?: boolean;
}

export interface CreatedProject {
  name: string;
  target: string;
  /** Paths written, relative to the target. */
  files: string[];
  /** The project's `qiniu-ufop` dependency, as written in its package.json. */
  ufopDependency: string;
}

/**
 * Writes the project's files (the `application` schematic's list, without the schematics devkit, which a global
 * install does not have) into a staging folder beside the target, then moves them into place: a failure (bad
 * template, missing Docker files) leaves the target as it was.
 */
export async function createProject(options: CreateProjectOptions): Promise<CreatedProject> {
  const { target, force = false, dockerDir, pack = false } = options;
  const name = basename(target);
  const problems = projectNameProblems(name);
  if (problems.length > 0) {
    throw new Error(
      `The project name comes from the directory name, and "${name}" is not a valid npm package name: ` +
        `${problems.join('; ')}. Use a directory such as "${suggestProjectName(name)}".`,
    );
  }
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new Error(`${target} exists and is not a directory.`);
    if (readdirSync(target).length > 0 && !force) {
      throw new Error(`${target} is not empty. Use --force to write into it (files with the same names are replaced).`);
    }
  }

  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  // Beside the target, so that the final moves are renames on one file system.
  const staging = mkdtempSync(join(parent, `.${name}-`));
  // mkdtemp makes it private (0700); the project folder gets the usual mode.
  chmodSync(staging, 0o777 & ~process.umask());
  try {
    const ufop = findUfopPackage();
    const ufopDependency = pack ? await packUfopInto(options.ufopRoot ?? ufop.root, staging) : `^${ufop.version}`;
    writeProject(staging, { name, dockerDir, ufopDependency, image: options.image === true });
    const files = listFiles(staging).map((file) => relative(staging, file));
    if (!existsSync(target)) {
      renameSync(staging, target);
    } else {
      for (const file of files) {
        mkdirSync(dirname(join(target, file)), { recursive: true });
        renameSync(join(staging, file), join(target, file));
      }
    }
    return { name, target, files: files.sort(), ufopDependency };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function writeProject(root: string, options: Parameters<typeof projectFiles>[0]): void {
  let files;
  try {
    files = projectFiles(options);
  } catch (error) {
    throw new Error(`Could not create the project: ${(error as Error).message}`);
  }
  for (const file of files) {
    const path = join(root, ...file.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content, { mode: file.executable ? 0o777 & ~process.umask() : undefined });
  }
}
