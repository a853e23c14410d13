import { Rule, SchematicsException, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { projectNameProblems } from './project-name';
import { ProjectOptions, projectFiles } from './project.files';

export interface ApplicationOptions extends ProjectOptions {
  /** Where to write, relative to the tree root: the name (without scope) by default, `.` for the root. */
  directory?: string;
}

/**
 * The project `qiniu-ufop createproject` writes, as a schematic (`nest g -c qiniu-ufop application`): the
 * files come from `projectFiles`, which createproject calls directly, without the schematics devkit.
 */
export function main(options: ApplicationOptions): Rule {
  const name = options.name;
  const problems = name ? projectNameProblems(name) : ['name is required'];
  if (problems.length > 0) {
    throw new SchematicsException(`Invalid project name "${name ?? ''}": ${problems.join('; ')}.`);
  }
  const directory = options.directory ?? name.replace(/^@[^/]+\//, '');
  return (tree: Tree) => {
    let files;
    try {
      files = projectFiles(options);
    } catch (error) {
      throw new SchematicsException((error as Error).message);
    }
    for (const file of files) tree.create(posix.join(directory, file.path), file.content);
  };
}
