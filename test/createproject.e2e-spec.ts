import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * What a new user does, end to end, with real processes: pack this package, install it globally (without the
 * schematics devkit, which is not a dependency), run `qiniu-ufop createproject --image`, install the tarball in the project, `nest g ufop-handler thumbnail`, build,
 * run the project's own tests, start it and call it over HTTP. Needs the npm registry (for the project's
 * other dependencies); traffic to the started service stays on 127.0.0.1.
 */
jest.setTimeout(8 * 60_000);

const repo = join(__dirname, '..');
const version: string = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;

interface Result {
  code: number | null;
  output: string;
}

// A fresh shell's environment: no npm_* variables from the `npm test` running this file, no NODE_ENV=test.
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|NODE_ENV$|JEST_WORKER_ID$|INIT_CWD$)/i.test(key)),
  );

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...cleanEnv(), NO_COLOR: '1', ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    // Nest's CLI colours its output whatever NO_COLOR says; assertions read plain text.
    child.on('close', (code) => resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

/** Runs a step and fails with its whole output when it does not exit 0. */
async function step(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const { code, output } = await run(command, args, cwd, env);
  if (code !== 0) throw new Error(`\`${command} ${args.join(' ')}\` exited with ${code} in ${cwd}:\n${output}`);
  return output;
}

const npmQuiet = ['--no-audit', '--no-fund', '--prefer-offline'];

describe('createproject, as a new user runs it', () => {
  let work: string;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ufop-createproject-e2e-'));
  });

  afterAll(() => {
    if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    rmSync(work, { recursive: true, force: true });
  });

  it('creates a project that installs, generates a handler, builds, passes its tests and serves', async () => {
    // 1. Build and pack this package. Built in a private copy: other suites may rebuild dist/ meanwhile.
    const pkg = join(work, 'pkg');
    mkdirSync(pkg);
    for (const entry of [
      'package.json',
      'README.md',
      'nest-cli.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
      'sample',
      'schematics',
      'docker',
    ]) {
      cpSync(join(repo, entry), join(pkg, entry), { recursive: true });
    }
    symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    await step('npx', ['nest', 'build'], pkg);
    await step('npm', ['pack', '--pack-destination', work], pkg);
    const tarball = join(work, `qiniu-ufop-${version}.tgz`);
    expect(existsSync(tarball)).toBe(true);

    // 2. Install it globally (into a private prefix) and create a project with its binary.
    const prefix = join(work, 'global');
    await step('npm', ['install', '--global', '--prefix', prefix, tarball, ...npmQuiet], work);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'qiniu-ufop', 'node_modules', '@angular-devkit'))).toBe(
      false,
    );
    const created = await step(join(prefix, 'bin', 'qiniu-ufop'), ['createproject', 'thumbs-ufop', '--image'], work);
    expect(created).toContain('CREATE src/app.module.ts');
    expect(created).toContain('CREATE src/image/thumb.handler.ts');
    const project = join(work, 'thumbs-ufop');
    expect(readdirSync(join(project, 'docker'))).toContain('Dockerfile');
    expect(readFileSync(join(project, 'docker', 'Dockerfile'), 'utf8')).toBe(
      readFileSync(join(repo, 'docker', 'Dockerfile'), 'utf8'),
    );
    const pkgJson = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkgJson.dependencies['qiniu-ufop']).toBe(`^${version}`);
    expect(pkgJson.dependencies.sharp).toEqual(expect.any(String));

    // A second run refuses the now non-empty folder, and says why.
    const again = await run(join(prefix, 'bin', 'qiniu-ufop'), ['createproject', 'thumbs-ufop'], work);
    expect(again.code).not.toBe(0);
    expect(again.output).toMatch(/is not empty\. Use --force/);
    expect(again.output).not.toMatch(/\n\s+at /);

    // 3. Install the packed qiniu-ufop and the project's other dependencies.
    await step('npm', ['install', tarball, ...npmQuiet], project);

    // 4. Generate a handler with the project's Nest CLI: a dry run writes nothing, then the real one.
    const dryRun = await step('npx', ['nest', 'g', 'ufop-handler', 'thumbnail', '--dry-run'], project);
    expect(dryRun).toContain('CREATE src/thumbnail/thumbnail.handler.ts');
    expect(existsSync(join(project, 'src', 'thumbnail'))).toBe(false);
    const generated = await step('npx', ['nest', 'g', 'ufop-handler', 'thumbnail'], project);
    expect(generated).toContain('UPDATE src/app.module.ts');
    expect(readFileSync(join(project, 'src', 'app.module.ts'), 'utf8')).toMatch(
      /providers: \[HelloHandler, ThumbHandler, ThumbnailHandler\]/,
    );
    // The collection extends Nest's: `nest g service` still works in the project.
    await step('npx', ['nest', 'g', 'service', 'images', '--no-spec'], project);
    expect(existsSync(join(project, 'src', 'images', 'images.service.ts'))).toBe(true);

    // 5. Build, and run the project's own tests (the generated specs and its HTTP e2e test).
    await step('npm', ['run', 'build'], project);
    expect(existsSync(join(project, 'dist', 'main.js'))).toBe(true);
    const tests = await step('npm', ['test'], project);
    expect(tests).toMatch(/PASS src\/hello\.handler\.spec\.ts/);
    expect(tests).toMatch(/PASS src\/thumbnail\/thumbnail\.handler\.spec\.ts/);
    expect(tests).toMatch(/PASS src\/image\/thumb\.handler\.spec\.ts/);
    expect(tests).toMatch(/PASS test\/app\.e2e-spec\.ts/);

    // 6. Start it as `npm start` does, on a free port, and call it.
    server = spawn('npm', ['start'], {
      cwd: project,
      env: { ...cleanEnv(), PORT: '0', NO_COLOR: '1' },
      detached: true,
    });
    const port = await listeningPort(server);
    const base = `http://127.0.0.1:${port}`;

    const handled = await fetch(`${base}/handler?cmd=thumbs-ufop/thumbnail`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from([1, 2, 3, 4, 5, 6]),
    });
    expect(handled.status).toBe(200);
    expect(handled.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await handled.json()).toEqual({ command: 'thumbnail', size: 6, contentType: 'image/png' });

    const png = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#a30' } })
      .png()
      .toBuffer();
    const thumb = await fetch(`${base}/handler?cmd=thumbs-ufop/thumb/100`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    expect(thumb.status).toBe(200);
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({
      width: 100,
      height: 50,
      format: 'png',
    });

    const hello = await fetch(`${base}/handler?cmd=thumbs-ufop/hello/qiniu`, { method: 'POST' });
    expect(await hello.text()).toBe('hello qiniu');

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
  });
});

/** Resolves with the port from the service's "listening on port N" line; rejects if it exits first. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on port (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the service exited with ${code} before listening:\n${output}`)));
  });
}
