import { Command, CommandRunner, Option } from '../cli.decorators';
import { relative, resolve } from 'node:path';
import { CliError } from '../cli.error';
import { findUfopPackage } from '../../../schematics/application/ufop-package';
import type { CreatedProject } from '../project/project.generator';
import { isCheckout, VENDOR_DIR } from '../project/ufop-tarball';

interface CreateProjectFlags {
  force?: boolean;
  pack?: boolean;
  image?: boolean;
}

/** `qiniu-ufop createproject [dir]`: a complete NestJS project, the files of this package's `application` schematic. */
@Command({
  name: 'createproject',
  arguments: '[dir]',
  argsDescription: { dir: 'the project folder (default: the current one); its name is the project name' },
  description: 'create a qiniu-ufop project: a NestJS app with an example handler, tests and a Dockerfile',
})
export class CreateProjectCommand extends CommandRunner {
  async run([dir = '.']: string[], flags: CreateProjectFlags): Promise<void> {
    let project: CreatedProject;
    try {
      // From a checkout the registry may not have this version: pack it unless told otherwise.
      const pack = flags.pack ?? isCheckout(findUfopPackage().root);
      // Loaded on use: Angular DevKit's schematics engine is most of the CLI's code, and no other command needs it.
      const { createProject } = await import('../project/project.generator');
      project = await createProject({
        target: resolve(dir),
        force: flags.force === true,
        pack,
        image: flags.image === true,
      });
    } catch (error) {
      // Every failure here is about the user's folder or name: a message, never a stack. Nothing was written.
      throw new CliError((error as Error).message);
    }
    const out = process.stdout;
    for (const file of project.files) out.write(`CREATE ${file}\n`);
    const cd = relative(process.cwd(), project.target);
    out.write(`\nCreated ${project.name} in ${project.target}.\n`);
    if (project.ufopDependency.startsWith('file:')) {
      out.write(`qiniu-ufop comes from the tarball in ${VENDOR_DIR}/ (packed from ${findUfopPackage().root}).\n`);
    }
    out.write('Next steps:\n\n');
    if (cd) out.write(`  cd ${cd}\n`);
    out.write('  npm install\n  npm run start:dev        # http://127.0.0.1:9100\n');
    out.write('  npx nest g ufop-handler <name>\n  npm test\n\nSee README.md in the project.\n');
  }

  @Option({ flags: '-f, --force', description: 'write into a non-empty folder, replacing files with the same names' })
  parseForce(): boolean {
    return true;
  }

  @Option({
    flags: '--image',
    description: 'add a thumb/:width/:height? image handler (src/image/) and the sharp dependency it uses',
  })
  parseImage(): boolean {
    return true;
  }

  @Option({
    flags: '--pack',
    description: `pack this qiniu-ufop into ${VENDOR_DIR}/ and depend on the tarball (the default when run from a checkout)`,
  })
  parsePack(): boolean {
    return true;
  }

  @Option({ flags: '--no-pack', description: 'depend on qiniu-ufop from the npm registry, even from a checkout' })
  parseNoPack(): boolean {
    return false;
  }
}
