import ignore from '@balena/dockerignore';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { IMAGE_LOG_PATHS } from '../src/cli/dora/dora-config';
import { CLI, ensureBuilt } from './support/build';
import { CliProcess, waitForHealthy } from './support/cli-process';
import { freePort } from './support/free-port';
import { parseDockerfile, Stage } from './support/dockerfile';

/**
 * No Docker engine runs here, so this runs the steps of docker/Dockerfile itself, parsed from the file, in
 * a temporary folder per stage: COPY (with the .dockerignore), RUN (npm ci, npm run build, ...), then the
 * ENTRYPOINT + CMD and the HEALTHCHECK, and calls to /handler. npm prefers its cache (`npm ci` of this repository
 * filled most of it) and asks the registry for the rest.
 *
 * The build context is what users build: a project `createproject` makes from this checkout, `npm install`ed for
 * its package-lock.json. From a checkout, qiniu-ufop comes from `vendor/qiniu-ufop-<version>.tgz`, so the project
 * gets the two edits `qiniu-ufop doctor` asks for (`COPY vendor ./vendor` before each `npm ci`, `*.tgz` out of
 * .dockerignore); a project on the registry version needs neither.
 *
 * What cannot run on a shared machine is skipped and listed: RUN steps that change the system outside the
 * WORKDIR (creating /var/log folders, chown to the image's user). The test checks they are exactly that.
 */
/** The most the final stage's node_modules may take: a production install of a new project (docs/BENCHMARKS.md). */
const MAX_NODE_MODULES_MB = 100;
const NAME = 'image-check';

describe('the image, by running the steps of docker/Dockerfile on a new project', () => {
  let stages: Stage[];
  let final: Stage;
  let sandbox: string;
  /** The build context: the project folder. */
  let context: string;
  const skipped: string[] = [];
  let server: CliProcess | undefined;

  /** A stage's filesystem: container path → folder in the sandbox. */
  const rootOf = (stage: Stage) => join(sandbox, `stage-${stage.name}`);
  const at = (stage: Stage, containerPath: string) => join(rootOf(stage), containerPath);
  /** The environment a step sees: the image's ENV (absolute paths moved into the sandbox) on a usable PATH. */
  const envOf = (stage: Stage, env: Record<string, string>) => {
    const mapped = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('/') ? at(stage, v) : v]));
    return {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? tmpdir(),
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
      ...mapped,
    };
  };

  beforeAll(async () => {
    await ensureBuilt();
    sandbox = mkdtempSync(join(tmpdir(), 'ufop-image-'));
    context = join(sandbox, NAME);
    execFileSync(process.execPath, [CLI, 'createproject', context], { stdio: 'pipe' });
    applyDoctorFixForVendor(context);
    await sh('npm install --no-audit --no-fund', context, {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? tmpdir(),
      npm_config_prefer_offline: 'true',
    });
    stages = parseDockerfile(readFileSync(join(context, 'docker', 'Dockerfile'), 'utf8'));
    final = stages[stages.length - 1];
    const dockerignore = ignore().add(readFileSync(join(context, '.dockerignore'), 'utf8').split('\n'));
    for (const stage of stages) {
      mkdirSync(at(stage, stage.workdir), { recursive: true });
      for (const step of stage.steps) {
        const workdir = at(stage, step.workdir);
        mkdirSync(workdir, { recursive: true });
        if (step.kind === 'copy') {
          const from = step.from ? stages.find((s) => s.name === step.from) : undefined;
          for (const source of step.sources) {
            const dest = step.dest.startsWith('/') ? at(stage, step.dest) : join(workdir, step.dest);
            if (from) copyInto(at(from, source), dest, step.sources.length > 1 || step.dest.endsWith('/'));
            else copyContext(context, source, dest, dockerignore, step.sources.length > 1 || step.dest.endsWith('/'));
          }
          continue;
        }
        if (touchesSystem(step.command, step.workdir)) {
          skipped.push(step.command);
          continue;
        }
        await sh(step.command, workdir, envOf(stage, step.env));
      }
    }
  }, 900_000);

  afterAll(async () => {
    await server?.stop(10_000);
    if (sandbox) rmSync(sandbox, { recursive: true, force: true });
  });

  it('is a multi-stage Node 20 image, run by an unprivileged user, on port 9100, with a health check on /health', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final.image).toMatch(/^node:20\b/);
    expect(final.user).toBeDefined();
    expect(['root', '0']).not.toContain(final.user);
    expect(final.expose).toEqual([9100]);
    expect(final.env.PORT).toBe('9100');
    expect(final.healthcheck?.command.join(' ')).toContain('/health');
    expect(final.stopSignal).toBe('SIGTERM');
  });

  it('installs with npm ci, and leaves dev dependencies out of the final stage', () => {
    const runs = (stage: Stage) =>
      stage.steps.filter((s) => s.kind === 'run').map((s) => (s as { command: string }).command);
    expect(runs(stages[0]).some((command) => /^npm ci\b/.test(command))).toBe(true);
    expect(runs(final).some((command) => /^npm ci\b.*--omit=dev/.test(command))).toBe(true);
    const modules = at(final, join(final.workdir, 'node_modules'));
    for (const runtime of ['@nestjs/core', 'qiniu-ufop', 'bull', 'class-validator'])
      expect(existsSync(join(modules, runtime))).toBe(true);
    // Every package the lockfile marks dev-only (jest, @nestjs/cli, ts-node, ...) is absent.
    const lock = JSON.parse(readFileSync(join(context, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, meta]) => path && meta.dev)
      .map(([path]) => path);
    expect(devOnly).toEqual(
      expect.arrayContaining([
        'node_modules/jest',
        'node_modules/@nestjs/cli',
        'node_modules/ts-node',
        'node_modules/typescript',
      ]),
    );
    const present = devOnly.filter((path) => existsSync(at(final, join(final.workdir, path))));
    expect(present).toEqual([]);
    // What `nest g` and the build use, and sharp (for projects created with --image), stay out of a run-time install.
    for (const tool of ['typescript', '@angular-devkit/core', '@nestjs/schematics', 'prettier', 'sharp']) {
      expect([tool, existsSync(join(modules, tool))]).toEqual([tool, false]);
    }
    // The sources stay in the build stage: only the build output reaches the final one.
    expect(existsSync(at(final, join(final.workdir, 'src')))).toBe(false);
    expect(existsSync(at(final, join(final.workdir, 'dist', 'main.js')))).toBe(true);
  });

  it(`keeps the final stage's node_modules within ${MAX_NODE_MODULES_MB} MB`, () => {
    const modules = at(final, join(final.workdir, 'node_modules'));
    const megabytes = Number(execFileSync('du', ['-sk', modules], { encoding: 'utf8' }).split('\t')[0]) / 1024;
    expect(megabytes).toBeGreaterThan(10); // measured something real
    expect(megabytes).toBeLessThanOrEqual(MAX_NODE_MODULES_MB);
  });

  it('skipped only the system steps that create the log folders dora.yaml lists', () => {
    expect(skipped).toHaveLength(1);
    const made = /^mkdir -p ((?:\/\S+\s*)+)&&/
      .exec(skipped[0])?.[1]
      .trim()
      .split(/\s+/)
      .map((dir) => `${dir}/`);
    expect(made).toEqual(IMAGE_LOG_PATHS);
    expect(skipped[0]).toContain(`chown ${final.user}:`);
    // And the processes write where those folders are: UFOP_LOG_DIR is their parent.
    expect(IMAGE_LOG_PATHS.every((path) => dirname(path) === final.env.UFOP_LOG_DIR)).toBe(true);
  });

  it('starts with its ENTRYPOINT + CMD, one process per core, answers /health, the HEALTHCHECK and /handler', async () => {
    const port = await freePort();
    // Only PORT differs from the image (tests run in parallel) and CPU_COUNT, to see more than one process.
    const env: Record<string, string> = {
      ...envOf(final, final.env),
      PORT: String(port),
      CPU_COUNT: '2',
      NO_COLOR: '1',
    };
    const [command, ...args] = [...(final.entrypoint ?? []), ...(final.cmd ?? [])];
    expect(command).toBe('node');
    server = new CliProcess(spawn(process.execPath, args, { cwd: at(final, final.workdir), env }));
    await server.waitFor(/started server process/, 2);
    await waitForHealthy(`http://127.0.0.1:${port}/health`, server);

    const [checkCommand, ...checkArgs] = final.healthcheck!.command;
    expect(checkCommand).toBe('node');
    const check = spawn(process.execPath, checkArgs, { cwd: at(final, final.workdir), env, stdio: 'inherit' });
    expect((await once(check, 'exit'))[0]).toBe(0);

    const hello = await fetch(`http://127.0.0.1:${port}/handler?cmd=${NAME}/hello/qiniu`, { method: 'POST' });
    expect(hello.status).toBe(200);
    expect(await hello.text()).toBe('hello qiniu');
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const echo = await fetch(`http://127.0.0.1:${port}/handler?cmd=${NAME}/echo`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/x-check' },
    });
    expect(echo.headers.get('content-type')).toBe('application/x-check');
    expect(Buffer.from(await echo.arrayBuffer()).equals(bytes)).toBe(true);

    // Logs: stdout, and the file under the log folder the image declares.
    await server.waitFor(/listening on port/, 2);
    const log = readFileSync(join(env.UFOP_LOG_DIR, 'server', 'server.log'), 'utf8');
    expect(log).toMatch(/LOG \[Ufop\] listening on port \d+ \(inline mode, all role\)/);

    // docker stop: SIGTERM to PID 1, which drains and exits 0.
    await server.stop();
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});

/** Copies a path of the build context, leaving out what the .dockerignore lists (as `docker build` does). */
function copyContext(
  root: string,
  source: string,
  dest: string,
  filter: ReturnType<typeof ignore>,
  intoDir: boolean,
): void {
  const walk = (rel: string, target: string) => {
    const abs = join(root, rel);
    const stat = lstatSync(abs);
    if (stat.isDirectory()) {
      mkdirSync(target, { recursive: true });
      for (const entry of readdirSync(abs)) {
        const child = posix.join(rel === '.' ? '' : rel, entry);
        if (!filter.ignores(child)) walk(child, join(target, entry));
      }
    } else {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(abs, target);
    }
  };
  const rel = posix.normalize(source);
  if (!existsSync(join(root, rel))) throw new Error(`COPY ${source}: not in the build context`);
  const isDir = lstatSync(join(root, rel)).isDirectory();
  walk(rel, isDir || !intoDir ? dest : join(dest, posix.basename(rel)));
}

/**
 * What `qiniu-ufop doctor` asks of a project that depends on a packed qiniu-ufop: copy vendor/ in before each
 * `npm ci`, and let the tarball into the build context.
 */
function applyDoctorFixForVendor(project: string): void {
  const dockerfile = join(project, 'docker', 'Dockerfile');
  const text = readFileSync(dockerfile, 'utf8');
  const fixed = text.replace(/^(RUN .*npm ci\b)/gm, 'COPY vendor ./vendor\n$1');
  expect(fixed.match(/COPY vendor/g)).toHaveLength(2);
  writeFileSync(dockerfile, fixed);
  const dockerignore = join(project, '.dockerignore');
  writeFileSync(dockerignore, readFileSync(dockerignore, 'utf8').replace(/^\*\.tgz\n/m, ''));
}

function copyInto(source: string, dest: string, intoDir: boolean): void {
  if (!existsSync(source)) throw new Error(`COPY --from: ${source} does not exist`);
  cpSync(source, intoDir && !lstatSync(source).isDirectory() ? join(dest, posix.basename(source)) : dest, {
    recursive: true,
  });
}

/** True when a RUN names an absolute path outside the WORKDIR: it sets up the image's system, not the app. */
function touchesSystem(command: string, workdir: string): boolean {
  return command.split(/\s+/).some((word) => word.startsWith('/') && !word.startsWith(workdir));
}

async function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn('sh', ['-c', command], { cwd, env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  if (code === 0) return;
  throw new Error(`RUN ${command} (in ${relative(tmpdir(), cwd)}) failed with ${code}:\n${output}`);
}
