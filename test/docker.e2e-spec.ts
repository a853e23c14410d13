import ignore from '@balena/dockerignore';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import sharp from 'sharp';
import { IMAGE_LOG_PATHS } from '../src/cli/dora/dora-config';
import { ROOT } from './support/build';
import { CliProcess, freePort, waitForHealthy } from './support/cli-process';
import { parseDockerfile, Stage } from './support/dockerfile';

/**
 * No Docker engine runs here, so this runs the steps of docker/Dockerfile itself, parsed from the file, in
 * a temporary folder per stage: COPY (with the .dockerignore), RUN (npm ci, npm run build, ...), then the
 * ENTRYPOINT + CMD and the HEALTHCHECK, and one call to /handler. npm runs offline, from the local cache.
 *
 * What cannot run on a shared machine is skipped and listed: RUN steps that change the system outside the
 * WORKDIR (creating /var/log folders, chown to the image's user). The test checks they are exactly that.
 */
const DOCKERFILE = join(ROOT, 'docker', 'Dockerfile');
const DOCKERIGNORE = join(ROOT, 'docker', 'Dockerfile.dockerignore');

describe('the image, by running the steps of docker/Dockerfile on the sample', () => {
  const stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
  const final = stages[stages.length - 1];
  let sandbox: string;
  const skipped: string[] = [];
  let server: CliProcess | undefined;

  /** A stage's filesystem: container path → folder in the sandbox. */
  const rootOf = (stage: Stage) => join(sandbox, `stage-${stage.name}`);
  const at = (stage: Stage, containerPath: string) => join(rootOf(stage), containerPath);
  /** The environment a step sees: the image's ENV (absolute paths moved into the sandbox) on a usable PATH. */
  const envOf = (stage: Stage, env: Record<string, string>) => {
    const mapped = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('/') ? at(stage, v) : v]));
    return { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmpdir(), npm_config_offline: 'true', npm_config_update_notifier: 'false', ...mapped };
  };

  beforeAll(async () => {
    sandbox = mkdtempSync(join(tmpdir(), 'ufop-image-'));
    const dockerignore = ignore().add(readFileSync(DOCKERIGNORE, 'utf8').split('\n'));
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
            else copyContext(source, dest, dockerignore, step.sources.length > 1 || step.dest.endsWith('/'));
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
    const runs = (stage: Stage) => stage.steps.filter((s) => s.kind === 'run').map((s) => (s as { command: string }).command);
    expect(runs(stages[0]).some((command) => /^npm ci\b/.test(command))).toBe(true);
    expect(runs(final).some((command) => /^npm ci\b.*--omit=dev/.test(command))).toBe(true);
    const modules = at(final, join(final.workdir, 'node_modules'));
    for (const runtime of ['@nestjs/core', 'sharp', 'bull', 'nest-commander']) expect(existsSync(join(modules, runtime))).toBe(true);
    // Every package the lockfile marks dev-only (jest, @nestjs/cli, ts-node, ...) is absent.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, meta]) => path && meta.dev).map(([path]) => path);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/jest', 'node_modules/@nestjs/cli', 'node_modules/ts-node']));
    const present = devOnly.filter((path) => existsSync(at(final, join(final.workdir, path))));
    expect(present).toEqual([]);
    // The sources stay in the build stage: only the build output reaches the final one.
    expect(existsSync(at(final, join(final.workdir, 'src')))).toBe(false);
    expect(existsSync(at(final, join(final.workdir, 'dist', 'sample', 'main.js')))).toBe(true);
  });

  it('skipped only the system steps that create the log folders dora.yaml lists', () => {
    expect(skipped).toHaveLength(1);
    const made = /^mkdir -p ((?:\/\S+\s*)+)&&/.exec(skipped[0])?.[1].trim().split(/\s+/).map((dir) => `${dir}/`);
    expect(made).toEqual(IMAGE_LOG_PATHS);
    expect(skipped[0]).toContain(`chown ${final.user}:`);
    // And the processes write where those folders are: UFOP_LOG_DIR is their parent.
    expect(IMAGE_LOG_PATHS.every((path) => dirname(path) === final.env.UFOP_LOG_DIR)).toBe(true);
  });

  it('starts with its ENTRYPOINT + CMD, one process per core, answers /health, the HEALTHCHECK and /handler', async () => {
    const port = await freePort();
    // Only PORT differs from the image (tests run in parallel) and CPU_COUNT, to see more than one process.
    const env = { ...envOf(final, final.env), PORT: String(port), CPU_COUNT: '2', NO_COLOR: '1' };
    const [command, ...args] = [...(final.entrypoint ?? []), ...(final.cmd ?? [])];
    expect(command).toBe('node');
    server = new CliProcess(spawn(process.execPath, args, { cwd: at(final, final.workdir), env }));
    await server.waitFor(/started server process/, 2);
    await waitForHealthy(`http://127.0.0.1:${port}/health`, server);

    const [checkCommand, ...checkArgs] = final.healthcheck!.command;
    expect(checkCommand).toBe('node');
    const check = spawn(process.execPath, checkArgs, { cwd: at(final, final.workdir), env, stdio: 'inherit' });
    expect((await once(check, 'exit'))[0]).toBe(0);

    const png = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#aa3300' } }).png().toBuffer();
    const thumb = await fetch(`http://127.0.0.1:${port}/handler?cmd=demo/thumb/100`, {
      method: 'POST',
      body: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([100, 50]);

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
function copyContext(source: string, dest: string, filter: ReturnType<typeof ignore>, intoDir: boolean): void {
  const walk = (rel: string, target: string) => {
    const abs = join(ROOT, rel);
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
  if (!existsSync(join(ROOT, rel))) throw new Error(`COPY ${source}: not in the build context`);
  const isDir = lstatSync(join(ROOT, rel)).isDirectory();
  walk(rel, isDir || !intoDir ? dest : join(dest, posix.basename(rel)));
}

function copyInto(source: string, dest: string, intoDir: boolean): void {
  if (!existsSync(source)) throw new Error(`COPY --from: ${source} does not exist`);
  cpSync(source, intoDir && !lstatSync(source).isDirectory() ? join(dest, posix.basename(source)) : dest, { recursive: true });
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
  const hint = /ENOTCACHED/.test(output) ? '\n(npm runs offline here: fill its cache with `npm ci` in the repository first, as .ci/run does)' : '';
  throw new Error(`RUN ${command} (in ${relative(tmpdir(), cwd)}) failed with ${code}:\n${output}${hint}`);
}
