import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { defaultDockerfile } from '../deploy/default-dockerfile';
import { loadProjectFromSource } from '../runtime/source.loader';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';
import { DOCKERFILE_FIX } from './doctor.messages';
import { lastLines, runTool } from './tool.runner';

const NO_PROJECT: CheckResult = {
  status: 'skip',
  summary: 'no package.json here or above: not in a project',
};

/** The Dockerfile that `docker build` will use exists (`--dockerfile`, else ./Dockerfile, else docker/Dockerfile). */
export function dockerfileCheck(dockerfile?: string): DoctorCheck {
  return {
    name: 'dockerfile',
    deploy: true,
    async run({ project }: DoctorContext): Promise<CheckResult> {
      if (!project)
        return {
          ...NO_PROJECT,
          status: 'fail',
          fix: 'run this inside a qiniu-ufop project (see `qiniu-ufop createproject`)',
        };
      const file = dockerfile ?? defaultDockerfile(project.root);
      if (!existsSync(resolve(project.root, file))) {
        return {
          status: 'fail',
          summary: `${file} does not exist`,
          fix: dockerfile ? `pass an existing file to --dockerfile, or ${DOCKERFILE_FIX}` : DOCKERFILE_FIX,
        };
      }
      return { status: 'ok', summary: `${file} is there` };
    },
  };
}

/**
 * No dependency the image cannot install: the Dockerfile runs `npm ci` on package.json and package-lock.json, so a
 * `file:` dependency (a project created from a checkout depends on `file:vendor/qiniu-ufop-<version>.tgz`) fails
 * `docker build` unless the Dockerfile copies its folder in first.
 */
export function localDependenciesCheck(dockerfile?: string): DoctorCheck {
  return {
    name: 'dependencies',
    deploy: true,
    async run({ project }: DoctorContext): Promise<CheckResult> {
      if (!project) return NO_PROJECT;
      const pkg = JSON.parse(readFileSync(join(project.root, 'package.json'), 'utf8'));
      const local = Object.entries<string>({ ...pkg.dependencies, ...pkg.devDependencies })
        .filter(([, spec]) => /^(file|link):/.test(String(spec)))
        .map(([name, spec]) => ({ name, spec, folder: spec.replace(/^(file|link):(\.\/)?/, '').split('/')[0] }));
      if (local.length === 0) return { status: 'ok', summary: 'every dependency comes from a registry' };
      const file = resolve(project.root, dockerfile ?? defaultDockerfile(project.root));
      const docker = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const copied = (folder: string) =>
        new RegExp(`^\\s*(COPY|ADD)\\b.*\\b${escapeRegExp(folder)}\\b`, 'm').test(docker);
      const uncopied = local.filter((dep) => !copied(dep.folder));
      if (uncopied.length === 0)
        return {
          status: 'ok',
          summary: `local dependencies are copied into the image (${local.map((dep) => dep.name).join(', ')})`,
        };
      const [first] = uncopied;
      const version = /qiniu-ufop-(\d[^/]*)\.tgz$/.exec(first.spec)?.[1];
      return {
        status: 'fail',
        summary: `${uncopied.map((dep) => `${dep.name} comes from ${dep.spec}`).join(', ')}: the image's \`npm ci\` cannot install it`,
        fix:
          (version
            ? `once qiniu-ufop is on the npm registry, \`npm install qiniu-ufop@^${version}\`; until then, `
            : '') +
          `add \`COPY ${first.folder} ./${first.folder}\` before each \`RUN npm ci\` of the Dockerfile` +
          (first.folder === 'vendor' ? ' and drop `*.tgz` from .dockerignore' : ''),
      };
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How long the type check may take: a whole project compiles in well under a minute. */
const BUILD_TIMEOUT_MS = 180_000;

/**
 * The project compiles: its own TypeScript type-checks it with the build tsconfig (`nest build` does the same and
 * then writes dist/; the image's `npm run build` fails where this does).
 */
export const buildCheck: DoctorCheck = {
  name: 'build',
  deploy: true,
  async run({ project }: DoctorContext): Promise<CheckResult> {
    if (!project) return NO_PROJECT;
    let tsc: string;
    try {
      tsc = createRequire(join(project.root, 'package.json')).resolve('typescript/bin/tsc');
    } catch {
      return {
        status: 'fail',
        summary: 'TypeScript is not installed in this project',
        fix: 'run `npm install` (a project needs typescript as a dev dependency)',
      };
    }
    const config = existsSync(project.buildTsconfig) ? project.buildTsconfig : project.tsconfig;
    const shown = relative(project.root, config);
    const run = await runTool(process.execPath, [tsc, '--noEmit', '-p', config], {
      timeoutMs: BUILD_TIMEOUT_MS,
      cwd: project.root,
    });
    if (run.code === 0) return { status: 'ok', summary: `the project compiles (tsc --noEmit -p ${shown})` };
    const errors = run.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    return {
      status: 'fail',
      summary: run.timedOut
        ? `tsc -p ${shown} did not finish within ${BUILD_TIMEOUT_MS / 1000} s`
        : `the project does not compile: ${errors.length || 'some'} TypeScript error${errors.length === 1 ? '' : 's'} (tsc -p ${shown})`,
      fix: 'fix them (`npm run build` shows them all); the image runs the same build',
      details: errors.length ? errors.slice(0, 8) : lastLines(`${run.stdout}\n${run.stderr}`),
    };
  },
};

/**
 * The application boots (in inline mode, as `process` runs it: no Redis) and has handlers: lists their routes.
 * A route conflict or a provider that cannot be built shows here, with Nest's message.
 */
export const handlersCheck: DoctorCheck = {
  name: 'handlers',
  deploy: true,
  async run({ project }: DoctorContext): Promise<CheckResult> {
    if (!project) return NO_PROJECT;
    const saved = { mode: process.env.UFOP_MODE, role: process.env.UFOP_ROLE, cwd: process.cwd() };
    process.env.UFOP_MODE = 'inline';
    process.env.UFOP_ROLE = 'all';
    let app: Awaited<ReturnType<ReturnType<typeof loadProjectFromSource>['createContext']>> | undefined;
    try {
      process.chdir(project.root);
      const loaded = loadProjectFromSource(project);
      app = await loaded.createContext({ logger: false });
      const routes = loaded.listRoutes(app);
      if (routes.length === 0) {
        return {
          status: 'fail',
          summary: 'the application boots but has no @UfopHandler method: every cmd would be a 404',
          fix: 'add one (`npx nest g ufop-handler <name>`) to a provider of a module that AppModule imports',
        };
      }
      return {
        status: 'ok',
        summary: `${routes.length} handler${routes.length === 1 ? '' : 's'} discovered`,
        details: routes.map((route) => `${route.pattern}  →  ${route.handler}`),
      };
    } catch (error) {
      return {
        status: 'fail',
        summary: `the application does not boot: ${(error as Error).message.split('\n')[0]}`,
        fix: 'fix the error above; `qiniu-ufop process <cmd> <file> --verbose` shows the whole stack',
      };
    } finally {
      await app?.close().catch(() => undefined);
      restore('UFOP_MODE', saved.mode);
      restore('UFOP_ROLE', saved.role);
      process.chdir(saved.cwd);
    }
  },
};

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
