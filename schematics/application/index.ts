import { strings } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  chain,
  filter,
  mergeWith,
  move,
  noop,
  Rule,
  SchematicsException,
  Tree,
  url,
} from '@angular-devkit/schematics';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { projectNameProblems } from './project-name';
import { findUfopPackage, UfopPackage } from './ufop-package';

export interface ApplicationOptions {
  name: string;
  /** Where to write, relative to the tree root: the name (without scope) by default, `.` for the root. */
  directory?: string;
  /** Folder with the Dockerfile and .dockerignore to copy: qiniu-ufop's own `docker/` by default. */
  dockerDir?: string;
  /**
   * The `qiniu-ufop` dependency of the new project: `^<this version>` by default (the registry), or a
   * `file:` path to a packed tarball when the project is created from a checkout (see createproject).
   */
  ufopDependency?: string;
  spec?: boolean;
}

/** Used only when the docker folder ships no .dockerignore: keeps the build context small and secret-free. */
const DEFAULT_DOCKERIGNORE = ['node_modules', 'dist', 'coverage', '.git', '.env', '*.log', ''].join('\n');

/**
 * The project `qiniu-ufop createproject` writes: a NestJS application
 * with an example handler, its tests, and the Docker files of the installed qiniu-ufop.
 */
export function main(options: ApplicationOptions): Rule {
  const name = options.name;
  const problems = name ? projectNameProblems(name) : ['name is required'];
  if (problems.length > 0) {
    throw new SchematicsException(`Invalid project name "${name ?? ''}": ${problems.join('; ')}.`);
  }
  const directory = options.directory ?? name.replace(/^@[^/]+\//, '');
  const spec = options.spec !== false;
  const ufop = findUfopPackage();
  const dockerDir = options.dockerDir ?? join(ufop.root, 'docker');
  const ufopDependency = options.ufopDependency ?? `^${ufop.version}`;
  // A `file:` dependency: the project was created from a checkout, its README says how to move to the registry.
  const ufopTarball = ufopDependency.startsWith('file:') ? ufopDependency.slice('file:'.length) : '';

  return chain([
    mergeWith(
      apply(url('./files'), [
        spec ? noop() : filter((path) => !/\.(spec|e2e-spec)\.ts\.template$/.test(path)),
        applyTemplates({ ...strings, name, dot: '.', ufopTarball, ufopVersion: ufop.version }),
        move(directory),
      ]),
    ),
    (tree: Tree) => {
      const json = packageJson(name, ufop, ufopDependency);
      tree.create(posix.join(directory, 'package.json'), `${JSON.stringify(json, null, 2)}\n`);
    },
    copyDockerFiles(dockerDir, directory),
  ]);
}

function packageJson(name: string, ufop: UfopPackage, ufopDependency: string): Record<string, unknown> {
  // Ranges come from qiniu-ufop's own package.json: the generated project runs on what it was tested with.
  const dep = (pkg: string, fallback: string) => ufop.dependencies[pkg] ?? ufop.devDependencies[pkg] ?? fallback;
  return {
    name,
    version: '0.1.0',
    private: true,
    description: 'A Qiniu UFOP built with qiniu-ufop',
    scripts: {
      build: 'nest build',
      start: 'node dist/main',
      'start:dev': 'nest start --watch',
      'start:worker': 'UFOP_ROLE=worker node dist/main',
      test: 'jest',
      'test:watch': 'jest --watch',
    },
    dependencies: {
      '@nestjs/common': dep('@nestjs/common', '^11.0.0'),
      '@nestjs/core': dep('@nestjs/core', '^11.0.0'),
      '@nestjs/platform-express': dep('@nestjs/platform-express', '^11.0.0'),
      'class-transformer': dep('class-transformer', '^0.5.1'),
      'class-validator': dep('class-validator', '^0.14.0'),
      'qiniu-ufop': ufopDependency,
      'reflect-metadata': dep('reflect-metadata', '^0.2.0'),
      rxjs: dep('rxjs', '^7.8.0'),
    },
    devDependencies: {
      '@nestjs/cli': dep('@nestjs/cli', '^11.0.0'),
      '@nestjs/testing': dep('@nestjs/testing', '^11.0.0'),
      '@types/jest': dep('@types/jest', '^29.5.0'),
      '@types/node': dep('@types/node', '^20.0.0'),
      jest: dep('jest', '^29.7.0'),
      'ts-jest': dep('ts-jest', '^29.2.0'),
      'ts-node': dep('ts-node', '^10.9.0'),
      typescript: dep('typescript', '^5.7.0'),
    },
    jest: {
      moduleFileExtensions: ['js', 'json', 'ts'],
      roots: ['<rootDir>/src', '<rootDir>/test'],
      testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
      transform: { '^.+\\.ts$': 'ts-jest' },
      testEnvironment: 'node',
    },
  };
}

/** Where a docker folder may keep its ignore file: BuildKit's `<Dockerfile>.dockerignore` first. */
const DOCKERIGNORE_NAMES = ['Dockerfile.dockerignore', '.dockerignore', 'dockerignore'];

/**
 * Copies qiniu-ufop's docker/ folder as it is at generation time (the deploy templates live there, not here)
 * into `docker/`, and its ignore file to `.dockerignore` at the root too, where every builder looks for it.
 */
function copyDockerFiles(dockerDir: string, directory: string): Rule {
  return (tree: Tree) => {
    if (!existsSync(join(dockerDir, 'Dockerfile'))) {
      throw new SchematicsException(
        `qiniu-ufop's Dockerfile template is missing (${join(dockerDir, 'Dockerfile')}): reinstall qiniu-ufop.`,
      );
    }
    for (const file of listFiles(dockerDir)) {
      const rel = relative(dockerDir, file).split(/[\\/]/).join('/');
      tree.create(posix.join(directory, 'docker', rel), readFileSync(file));
    }
    const ignore = DOCKERIGNORE_NAMES.map((name) => join(dockerDir, name)).find((path) => existsSync(path));
    tree.create(posix.join(directory, '.dockerignore'), ignore ? readFileSync(ignore) : DEFAULT_DOCKERIGNORE);
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}
