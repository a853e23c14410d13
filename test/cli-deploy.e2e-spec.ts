import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureBuilt, ROOT } from './support/build';
import { runCli } from './support/cli-process';
import { installFakeTools } from './support/fake-tools';

interface Call {
  tool: string;
  args: string[];
  cwd: string;
  dockerfileExists?: boolean;
  doraYaml?: string | null;
}

/**
 * `deploy` against fake `docker` and `qdoractl` first on PATH: they record their arguments and fail on
 * demand, so the steps, their order, their arguments and the exit codes are checked for real.
 */
describe('qiniu-ufop deploy (fake docker and qdoractl)', () => {
  let tmp: string;
  let bin: string;
  let log: string;
  let configDir: string;
  const deployArgs = () => [
    'deploy',
    '-t',
    'demo:v3',
    '-n',
    'demo',
    '-v',
    'v3',
    '--flavor',
    'C2M4',
    '--desc',
    'the demo',
    '--config-dir',
    configDir,
  ];
  const allCalls = (): Call[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
  // `docker info` and `qdoractl list` are the doctor's checks (test/cli-doctor.e2e-spec.ts); the rest are the steps.
  const isCheck = (call: Call) => ['docker info', 'qdoractl list'].includes(`${call.tool} ${call.args[0]}`);
  const calls = (): Call[] => allCalls().filter((call) => !isCheck(call));
  const withFakes = (extra: Record<string, string> = {}) => ({
    env: { PATH: `${bin}:${process.env.PATH}`, FAKE_TOOLS_LOG: log, ...extra },
  });

  beforeAll(async () => {
    await ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'ufop-deploy-'));
    bin = installFakeTools(tmp);
  }, 300_000);

  beforeEach(() => {
    log = join(tmp, `calls-${Date.now()}-${Math.random()}.jsonl`);
    configDir = mkdtempSync(join(tmp, 'config-'));
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes dora.yaml, then builds, pushes and releases, printing each step', async () => {
    const result = await runCli(deployArgs(), withFakes());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    // The deploy checks ran first, then the steps.
    expect(
      allCalls()
        .slice(0, 2)
        .map((call) => `${call.tool} ${call.args[0]}`),
    ).toEqual(['docker info', 'qdoractl list']);
    const [build, push, release, ...more] = calls();
    expect(more).toEqual([]);
    expect(build).toEqual({
      tool: 'docker',
      args: ['build', '-f', 'docker/Dockerfile', '-t', 'demo:v3', '.'],
      cwd: ROOT,
      dockerfileExists: true,
    });
    expect(push).toEqual({ tool: 'qdoractl', args: ['push', 'demo:v3'], cwd: ROOT });
    expect(release.tool).toBe('qdoractl');
    expect(release.args).toEqual(['release', '--config', configDir]);

    // qdoractl found dora.yaml in place when it ran, and it is the file that was written.
    const written = readFileSync(join(configDir, 'dora.yaml'), 'utf8');
    expect(release.doraYaml).toBe(written);
    const config = parse(written);
    expect(config).toMatchObject({
      ufopname: 'demo',
      verstr: 'v3',
      image: 'demo:v3',
      desc: 'the demo',
      flavor: 'C2M4',
    });
    expect(config.env.global).toEqual([{ key: 'FLAVOR', value: 'C2M4' }]);

    const out = result.stdout.toString();
    const steps = out.split('\n').filter((line) => /^\[\d\/4\]/.test(line));
    expect(steps).toEqual([
      `[1/4] write ${configDir}/dora.yaml`,
      '[2/4] docker build -f docker/Dockerfile -t demo:v3 .',
      '[3/4] qdoractl push demo:v3',
      `[4/4] qdoractl release --config ${configDir}`,
    ]);
    // The tools' own output comes through, in order.
    expect(out.indexOf('fake docker build')).toBeGreaterThan(out.indexOf('[2/4]'));
    expect(out.indexOf('fake qdoractl push')).toBeGreaterThan(out.indexOf('[3/4]'));
    expect(out).toContain('released demo v3 (demo:v3)');
  });

  it('writes dora.yaml in the project folder by default and builds ./Dockerfile when there is one', async () => {
    const project = mkdtempSync(join(tmp, 'project-'));
    writeFileSync(join(project, 'package.json'), '{"name":"thumbs"}');
    writeFileSync(join(project, 'Dockerfile'), 'FROM scratch\n');
    const result = await runCli(['deploy', '-t', 'thumbs:1', '-n', 'thumbs', '-v', '1'], {
      cwd: project,
      ...withFakes(),
    });
    expect(result.code).toBe(0);
    expect(parse(readFileSync(join(project, 'dora.yaml'), 'utf8')).ufopname).toBe('thumbs');
    expect(calls().map((call) => [call.tool, ...call.args])).toEqual([
      ['docker', 'build', '-f', 'Dockerfile', '-t', 'thumbs:1', '.'],
      ['qdoractl', 'push', 'thumbs:1'],
      ['qdoractl', 'release', '--config', '.'],
    ]);
    expect(calls()[2].doraYaml).toContain('ufopname: thumbs');
  });

  it.each([
    ['docker build', 3, 2, 'build the image', ['docker build']],
    ['qdoractl push', 7, 3, 'push the image', ['docker build', 'qdoractl push']],
    ['qdoractl release', 42, 4, 'release the version', ['docker build', 'qdoractl push', 'qdoractl release']],
  ])('stops at a failing %s with its exit code (%i)', async (failing, code, step, title, ran) => {
    const result = await runCli(deployArgs(), withFakes({ FAKE_FAIL: failing, FAKE_FAIL_CODE: String(code) }));
    expect(result.code).toBe(code);
    expect(calls().map((call) => `${call.tool} ${call.args[0]}`)).toEqual(ran);
    expect(result.stderr).toContain(`qiniu-ufop: step ${step}/4 (${title}) failed with exit code ${code}\n`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--dry-run prints the steps and dora.yaml and runs and writes nothing', async () => {
    const result = await runCli([...deployArgs(), '--dry-run'], withFakes());
    expect(result.code).toBe(0);
    expect(allCalls()).toEqual([]); // not even the checks: a dry run starts nothing
    expect(existsSync(join(configDir, 'dora.yaml'))).toBe(false);
    const out = result.stdout.toString();
    expect(out).toContain('[2/4] docker build -f docker/Dockerfile -t demo:v3 .');
    expect(out).toContain(`[4/4] qdoractl release --config ${configDir}`);
    const yaml = out.slice(out.indexOf('---\n') + 4);
    expect(parse(yaml)).toMatchObject({ ufopname: 'demo', image: 'demo:v3', flavor: 'C2M4' });
  });

  describe('missing tools', () => {
    let onlyNode: string;
    beforeAll(() => {
      // A PATH with node and nothing else: no docker, no qdoractl (the real docker client is on this machine's PATH).
      onlyNode = join(tmp, 'only-node');
      mkdirSync(onlyNode);
      symlinkSync(process.execPath, join(onlyNode, 'node'));
    });

    it('names each missing tool and how to get it, runs nothing and exits 127', async () => {
      const result = await runCli(deployArgs(), { env: { PATH: onlyNode, FAKE_TOOLS_LOG: log } });
      expect(result.code).toBe(127);
      expect(result.stderr).toMatch(
        /^qiniu-ufop: docker is not on PATH: install Docker \(https:\/\/docs\.docker\.com\/get-docker\/\)/,
      );
      expect(result.stderr).toMatch(
        /\nqdoractl is not on PATH: download qdoractl from Qiniu .*qdoractl login -u <AccessKey> -p <SecretKey>/,
      );
      expect(existsSync(join(configDir, 'dora.yaml'))).toBe(false);
    });

    it('names only the tool that is missing', async () => {
      const dockerOnly = join(tmp, 'docker-only');
      mkdirSync(dockerOnly, { recursive: true });
      for (const file of ['docker', 'fake-tool.js']) copyFileSync(join(bin, file), join(dockerOnly, file));
      chmodSync(join(dockerOnly, 'docker'), 0o755);
      const result = await runCli(deployArgs(), { env: { PATH: `${dockerOnly}:${onlyNode}`, FAKE_TOOLS_LOG: log } });
      expect(result.code).toBe(127);
      expect(result.stderr).not.toContain('docker is not on PATH');
      expect(result.stderr).toContain('qdoractl is not on PATH');
      // Only the checks ran (docker's daemon answered): no step.
      expect(calls()).toEqual([]);
    });

    it('--dry-run still works, noting the missing tools', async () => {
      const result = await runCli([...deployArgs(), '--dry-run'], { env: { PATH: onlyNode } });
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toContain('note: docker is not on PATH');
      expect(result.stdout.toString()).toContain('note: qdoractl is not on PATH');
    });
  });
});
