import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parse } from 'yaml';
import { ensureBuilt, ROOT } from './support/build';
import { runCli } from './support/cli-process';

/**
 * The `qiniu-ufop` binary, built and run as a child process in the sample project (this repository):
 * process, dockerfile and doraconfig. runserver/runworker, deploy and the image have their own suites.
 */
describe('qiniu-ufop CLI (built binary, sample project)', () => {
  let tmp: string;

  beforeAll(async () => {
    await ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'ufop-cli-'));
  }, 300_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  describe('help', () => {
    it('names the program qiniu-ufop and lists every command', async () => {
      const result = await runCli(['--help']);
      expect(result.code).toBe(0);
      const help = result.stdout.toString();
      expect(help).toMatch(/^Usage: qiniu-ufop /);
      for (const command of [
        'createproject',
        'process',
        'runserver',
        'runworker',
        'dockerfile',
        'doraconfig',
        'deploy',
      ]) {
        expect(help).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      }
    });

    it('lists each command on one line, with a one-line description', async () => {
      const help = (await runCli(['-h'])).stdout.toString();
      const commands = help
        .slice(help.indexOf('Commands:\n') + 'Commands:\n'.length)
        .trimEnd()
        .split('\n');
      expect(commands.length).toBe(9); // the eight commands and help
      for (const line of commands) expect(line).toMatch(/^ {2}[a-z]+ .*\S {2,}\S.*$/);
    });

    it('prints the package version with --version and -V', async () => {
      const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      for (const flag of ['--version', '-V']) {
        const result = await runCli([flag]);
        expect([result.code, result.stdout.toString()]).toEqual([0, `${version}\n`]);
      }
    });

    it('shows the usage of process as both READMEs write it', async () => {
      const usage = (await runCli(['process', '-h'])).stdout.toString().split('\n')[0];
      expect(usage).toBe('Usage: qiniu-ufop process [options] [cmd] <file>');
      for (const readme of ['README.md', 'README.zh-CN.md']) {
        expect(readFileSync(join(ROOT, readme), 'utf8')).toContain('`process [cmd] <file> [-o out]');
      }
    });

    it.each(['process', 'runserver', 'runworker', 'dockerfile', 'doraconfig', 'deploy'])(
      '%s -h documents its flags',
      async (command) => {
        const result = await runCli([command, '-h']);
        expect(result.code).toBe(0);
        expect(result.stdout.toString()).toContain(`Usage: qiniu-ufop ${command} [options]`);
      },
    );
  });

  describe('process', () => {
    it('writes the exact bytes of a binary result to stdout (echo of random bytes)', async () => {
      const bytes = randomBytes(256 * 1024 + 17);
      const file = join(tmp, 'random.bin');
      writeFileSync(file, bytes);
      const result = await runCli(['process', 'echo', file]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.equals(bytes)).toBe(true);
    });

    it('thumbnails a PNG to the requested size, to stdout and with -o', async () => {
      const png = await sharp({
        create: { width: 640, height: 480, channels: 3, background: { r: 10, g: 120, b: 200 } },
      })
        .png()
        .toBuffer();
      const file = join(tmp, 'in.png');
      writeFileSync(file, png);

      const result = await runCli(['process', 'thumb/200/100/mode/crop', file]);
      expect(result.code).toBe(0);
      const meta = await sharp(result.stdout).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 200, 100]);

      const out = join(tmp, 'out.png');
      const written = await runCli(['process', 'thumb/64', file, '-o', out]);
      expect(written.code).toBe(0);
      expect(written.stdout.length).toBe(0);
      const saved = readFileSync(out);
      expect(written.stderr).toContain(`wrote ${saved.length} bytes (image/png)`);
      const outMeta = await sharp(saved).metadata();
      expect([outMeta.width, outMeta.height]).toEqual([64, 48]);
    });

    it('runs a | chain step by step, each output feeding the next', async () => {
      const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#336699' } })
        .png()
        .toBuffer();
      const file = join(tmp, 'square.png');
      writeFileSync(file, png);
      const result = await runCli(['process', 'thumb/100|thumb/20|json', file]);
      expect(result.code).toBe(0);
      // json describes its input: the output of the second thumb step, a PNG.
      expect(JSON.parse(result.stdout.toString())).toEqual({ msg: 'hello world', content_type: 'image/png' });

      const chained = await runCli(['process', 'thumb/100|thumb/20', file]);
      const meta = await sharp(chained.stdout).metadata();
      expect([meta.width, meta.height]).toEqual([20, 20]);
    });

    it('takes the input type from the extension, --content-type, and reads stdin for -', async () => {
      const file = join(tmp, 'note.txt');
      writeFileSync(file, 'hi');
      const byExtension = await runCli(['process', 'json', file]);
      expect(JSON.parse(byExtension.stdout.toString()).content_type).toBe('text/plain');
      const explicit = await runCli(['process', 'json', file, '--content-type', 'image/webp']);
      expect(JSON.parse(explicit.stdout.toString()).content_type).toBe('image/webp');
      const stdin = await runCli(['process', 'echo', '-'], { input: 'from stdin' });
      expect(stdin.stdout.toString()).toBe('from stdin');
    });

    it('needs neither Redis nor a build setting: REDIS_URL in the environment is ignored (inline)', async () => {
      const result = await runCli(['process', 'hello/inline', join(ROOT, 'package.json')], {
        env: { REDIS_URL: 'redis://127.0.0.1:1', UFOP_MODE: 'queue' },
      });
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe('hello inline');
    });

    it('fails with a message on stderr and a non-zero exit, without a stack trace', async () => {
      const input = join(ROOT, 'package.json');
      const noHandler = await runCli(['process', 'nope', input]);
      expect(noHandler.code).toBe(1);
      expect(noHandler.stdout.length).toBe(0);
      expect(noHandler.stderr).toBe('qiniu-ufop: 404 no handler for cmd "nope"\n');

      const badArgs = await runCli(['process', 'thumb/0', input]);
      expect(badArgs.code).toBe(1);
      expect(badArgs.stderr).toMatch(/^qiniu-ufop: 400 .*width/);

      const notAnImage = await runCli(['process', 'echo|thumb/10', input]);
      expect(notAnImage.code).toBe(1);
      expect(notAnImage.stderr).toMatch(/^qiniu-ufop: step 2 \(thumb\/10\): 400 input is not an image/);

      const missing = await runCli(['process', 'echo', join(tmp, 'missing.bin')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^qiniu-ufop: cannot read .*missing\.bin/);

      for (const result of [noHandler, badArgs, notAnImage, missing]) expect(result.stderr).not.toMatch(/\n\s+at /);
    });

    it('accepts the full cmd, as Qiniu sends it: the UFOP name (UFOP_NAME, else the package name) first', async () => {
      const input = join(ROOT, 'package.json');
      const byPackageName = await runCli(['process', 'qiniu-ufop/hello/qq', input]);
      expect([byPackageName.code, byPackageName.stdout.toString()]).toEqual([0, 'hello qq']);
      const chain = await runCli(['process', 'img-tools/hello/qq|img-tools/echo', input], {
        env: { UFOP_NAME: 'img-tools' },
      });
      expect([chain.code, chain.stdout.toString()]).toEqual([0, 'hello qq']);
      const otherName = await runCli(['process', 'other/hello/qq', input], { env: { UFOP_NAME: 'img-tools' } });
      expect(otherName.code).toBe(1);
      expect(otherName.stderr).toBe(
        'qiniu-ufop: 404 no handler for cmd "other/hello/qq"; drop the UFOP name: qiniu-ufop process hello/qq <file> (or the full cmd img-tools/hello/qq)\n',
      );
    });

    it('says what is missing when given one argument (the sample has no handler routed at "")', async () => {
      const input = join(ROOT, 'package.json');
      const noCmd = await runCli(['process', input]);
      expect(noCmd.code).toBe(1);
      expect(noCmd.stderr).toMatch(
        /^qiniu-ufop: missing cmd: qiniu-ufop process <cmd> \S+package\.json \(no handler is routed at ""[^\n]*; routes: .*hello\/:name\?/,
      );
      const noFile = await runCli(['process', 'hello/qq']);
      expect(noFile.code).toBe(1);
      expect(noFile.stderr).toBe(
        'qiniu-ufop: missing the input file: qiniu-ufop process hello/qq <file> (- reads stdin)\n',
      );
    });

    it("prints a bad setting as one line and exits 1, without Nest's stack", async () => {
      const result = await runCli(['process', 'hello/x', join(ROOT, 'package.json')], {
        env: { UFOP_MAX_BODY_BYTES: 'abc' },
      });
      expect(result.code).toBe(1);
      expect(result.stdout.length).toBe(0);
      expect(result.stderr).toBe('qiniu-ufop: Invalid UFOP_MAX_BODY_BYTES="abc": expected an integer >= 1\n');
    });

    it('runs the fresh build output inline, loading neither a compiler nor Bull nor a Redis client', async () => {
      // Every module file the CLI process loaded, written as it exits.
      const list = join(tmp, 'modules.json');
      const hook = join(tmp, 'list-modules.cjs');
      writeFileSync(
        hook,
        `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`,
      );
      const result = await runCli(['process', 'hello/qq', join(ROOT, 'package.json'), '--verbose'], {
        env: { NODE_OPTIONS: `--require ${hook}`, REDIS_URL: 'redis://127.0.0.1:1' },
      });
      expect(result.stdout.toString()).toBe('hello qq');
      expect(result.stderr).toContain('running the build output (dist/sample/app.module.js)');
      const modules: string[] = JSON.parse(readFileSync(list, 'utf8'));
      expect(modules).toEqual(
        expect.arrayContaining([join(ROOT, 'dist', 'sample', 'app.module.js'), join(ROOT, 'dist', 'src', 'index.js')]),
      );
      const unwanted = modules.filter(
        (file) => /node_modules\/(bull|ioredis|typescript|ts-node|@swc)\//.test(file) || /\.ts$/.test(file),
      );
      expect(unwanted).toEqual([]);
    });

    it('shows the application log on stderr with --verbose, keeping stdout for the result', async () => {
      const result = await runCli(['process', 'hello/v', join(ROOT, 'package.json'), '--verbose']);
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe('hello v');
      expect(result.stderr).toContain('[InstanceLoader]');
    });

    it('says where it looks for the root module when there is none', async () => {
      writeFileSync(join(tmp, 'package.json'), '{"name":"empty"}');
      const result = await runCli(['process', 'echo', join(ROOT, 'package.json')], { cwd: tmp });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^qiniu-ufop: .*src\/app\.module\.ts does not exist/);
      // With sources but no node_modules: it says what to install.
      mkdirSync(join(tmp, 'src'));
      writeFileSync(join(tmp, 'src', 'app.module.ts'), 'export class AppModule {}\n');
      const noTsNode = await runCli(['process', 'echo', join(ROOT, 'package.json')], { cwd: tmp });
      expect(noTsNode.code).toBe(1);
      expect(noTsNode.stderr).toBe(
        'qiniu-ufop: process runs the project from its TypeScript sources with ts-node, which is not installed here: ' +
          'npm install --save-dev ts-node typescript\n',
      );
    });
  });

  describe('dockerfile', () => {
    it('prints docker/Dockerfile, and its .dockerignore with --dockerignore', async () => {
      const printed = await runCli(['dockerfile']);
      expect(printed.code).toBe(0);
      expect(printed.stdout.toString()).toBe(readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8'));
      const ignore = await runCli(['dockerfile', '--dockerignore']);
      expect(ignore.stdout.toString()).toBe(readFileSync(join(ROOT, 'docker', 'Dockerfile.dockerignore'), 'utf8'));
      const out = join(tmp, 'Dockerfile');
      await runCli(['dockerfile', '-o', out]);
      expect(readFileSync(out, 'utf8')).toBe(printed.stdout.toString());
    });
  });

  describe('doraconfig', () => {
    it('prints dora.yaml with every field Qiniu reads', async () => {
      const result = await runCli([
        'doraconfig',
        '-n',
        'thumb',
        '-t',
        'thumb:v1',
        '-v',
        'v1',
        '--flavor',
        'C4M4',
        '--desc',
        'thumbnails: fast',
        '-e',
        'REDIS_URL=redis://r:6379/0',
      ]);
      expect(result.code).toBe(0);
      const config = parse(result.stdout.toString());
      expect(Object.keys(config)).toEqual([
        'ufopname',
        'verstr',
        'image',
        'desc',
        'flavor',
        'health_check',
        'env',
        'log_file_paths',
      ]);
      expect(config.ufopname).toBe('thumb');
      expect(config.verstr).toBe('v1');
      expect(config.image).toBe('thumb:v1');
      expect(config.desc).toBe('thumbnails: fast');
      expect(config.flavor).toBe('C4M4');
      expect(config.health_check).toEqual({ path: '/health', timeout: 3 });
      expect(config.env).toEqual({
        global: [
          { key: 'FLAVOR', value: 'C4M4' },
          { key: 'REDIS_URL', value: 'redis://r:6379/0' },
        ],
      });
      expect(config.log_file_paths).toEqual(['/var/log/server/', '/var/log/worker/']);
    });

    it('defaults the flavor to C1M1 and the description to the name', async () => {
      const config = parse(
        (await runCli(['doraconfig', '-n', 'demo', '-t', 'reg/demo:2', '-v', '2'])).stdout.toString(),
      );
      expect([config.flavor, config.desc]).toEqual(['C1M1', 'demo']);
      expect(config.env.global).toEqual([{ key: 'FLAVOR', value: 'C1M1' }]);
    });

    it('refuses missing or malformed values with a message', async () => {
      const missing = await runCli(['doraconfig', '-n', 'demo', '-v', 'v1']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("required option '-t, --tag <image:tag>' not specified");
      const bad = await runCli(['doraconfig', '-n', 'de mo', '-t', 'demo:v1', '-v', 'v1', '--flavor', 'big']);
      expect(bad.code).toBe(1);
      expect(bad.stdout.length).toBe(0);
      expect(bad.stderr).toMatch(/^qiniu-ufop: invalid -n\/--name "de mo".*--flavor "big"/);
    });
  });
});
