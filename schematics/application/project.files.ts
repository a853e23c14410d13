import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { renderPath, renderTemplate } from './template';
import { findUfopPackage, UfopPackage } from './ufop-package';

export interface ProjectOptions {
  /** The project's npm package name. */
  name: string;
  /** Folder with the Dockerfile and .dockerignore to copy: qiniu-ufop's own `docker/` by default. */
  dockerDir?: string;
  /**
   * The `qiniu-ufop` dependency of the new project: `^<this version>` by default (the registry), or a
   * `file:` path to a packed tarball when the project is created from a checkout (see createproject).
   */
  ufopDependency?: string;
  /** Write the example spec and e2e test (default true). */
  spec?: boolean;
  /** Add the `thumb/:width/:height?` image handler (`src/image/`) and the `sharp` dependency it uses. */
  image?: boolean;
}

/** One file of a new project: its path relative to the project folder (with `/`), its bytes and mode. */
export interface ProjectFile {
  path: string;
  content: Buffer;
  /** Scripts copied from the docker folder (entrypoints) keep their executable bit. */
  executable: boolean;
}

/** Used only when the docker folder ships no .dockerignore: keeps the build context small and secret-free. */
const DEFAULT_DOCKERIGNORE = ['node_modules', 'dist', 'coverage', '.git', '.env', '*.log', ''].join('\n');

/** Where a docker folder may keep its ignore file: BuildKit's `<Dockerfile>.dockerignore` first. */
const DOCKERIGNORE_NAMES = ['Dockerfile.dockerignore', '.dockerignore', 'dockerignore'];

/** The image handler's templates: written only with `image`. */
const IMAGE_DIR = 'src/image/';

/**
 * Every file of the project `qiniu-ufop createproject` writes: a NestJS application with an example handler, its
 * tests, and the Docker files of the installed qiniu-ufop. Plain Node (no schematics devkit), so that createproject
 * works from a global install; the `application` schematic writes the same list into a tree.
 */
export function projectFiles(options: ProjectOptions): ProjectFile[] {
  const { name, spec = true, image = false } = options;
  const ufop = findUfopPackage();
  const dockerDir = options.dockerDir ?? join(ufop.root, 'docker');
  const ufopDependency = options.ufopDependency ?? `^${ufop.version}`;
  // A `file:` dependency: the project was created from a checkout, its README says how to move to the registry.
  const ufopTarball = ufopDependency.startsWith('file:') ? ufopDependency.slice('file:'.length) : '';
  const data = { name, dot: '.', ufopTarball, ufopVersion: ufop.version, image };

  const templates = join(__dirname, 'files');
  const files: ProjectFile[] = listFiles(templates)
    .map((file) => ({ file, path: relative(templates, file).split(/[\\/]/).join('/') }))
    .filter(({ path }) => spec || !/\.(spec|e2e-spec)\.ts\.template$/.test(path))
    .filter(({ path }) => image || !path.startsWith(IMAGE_DIR))
    .map(({ file, path }) => ({
      path: renderPath(path, data),
      content: Buffer.from(renderTemplate(readFileSync(file, 'utf8'), data)),
      executable: false,
    }));
  files.push({
    path: 'package.json',
    content: Buffer.from(`${JSON.stringify(packageJson(name, ufop, ufopDependency, image), null, 2)}\n`),
    executable: false,
  });
  files.push(...dockerFiles(dockerDir));
  return files;
}

function packageJson(name: string, ufop: UfopPackage, ufopDependency: string, image: boolean): Record<string, unknown> {
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
      // sharp and its libvips binaries (about 20 MB installed) only for a project that handles images.
      ...(image ? { sharp: dep('sharp', '^0.34.0') } : {}),
    },
    // @nestjs/cli brings @nestjs/schematics and the schematics devkit that `nest g ufop-handler` runs on: qiniu-ufop
    // declares them as optional peers, so they stay out of the production install.
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

/**
 * qiniu-ufop's docker/ folder as it is at generation time (the deploy templates live there, not here), into
 * `docker/`, and its ignore file to `.dockerignore` at the root too, where every builder looks for it.
 */
function dockerFiles(dockerDir: string): ProjectFile[] {
  if (!existsSync(join(dockerDir, 'Dockerfile'))) {
    throw new Error(
      `qiniu-ufop's Dockerfile template is missing (${join(dockerDir, 'Dockerfile')}): reinstall qiniu-ufop.`,
    );
  }
  const files = listFiles(dockerDir).map((file) => ({
    path: posix.join('docker', relative(dockerDir, file).split(/[\\/]/).join('/')),
    content: readFileSync(file),
    executable: (statSync(file).mode & 0o111) !== 0,
  }));
  const ignore = DOCKERIGNORE_NAMES.map((name) => join(dockerDir, name)).find((path) => existsSync(path));
  files.push({
    path: '.dockerignore',
    content: ignore ? readFileSync(ignore) : Buffer.from(DEFAULT_DOCKERIGNORE),
    executable: false,
  });
  return files;
}

/** Every file under `dir`, its folders walked in name order. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}
