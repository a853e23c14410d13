import { parse } from 'yaml';
import { CliError } from '../cli.error';
import { buildDoraConfig, collectEnv, doraConfigYaml, IMAGE_LOG_PATHS } from './dora-config';

describe('dora.yaml', () => {
  it('has the fields qdoractl reads, with FLAVOR in env and the image log paths', () => {
    const config = buildDoraConfig({
      ufopName: 'thumb',
      image: 'thumb:v1',
      version: 'v1',
      flavor: 'c2m4',
      desc: 'thumbnails',
      env: { A: '1' },
    });
    expect(parse(doraConfigYaml(config))).toEqual({
      ufopname: 'thumb',
      verstr: 'v1',
      image: 'thumb:v1',
      desc: 'thumbnails',
      flavor: 'C2M4',
      health_check: { path: '/health', timeout: 3 },
      env: {
        global: [
          { key: 'FLAVOR', value: 'C2M4' },
          { key: 'A', value: '1' },
        ],
      },
      log_file_paths: ['/var/log/server/', '/var/log/worker/'],
    });
    expect(IMAGE_LOG_PATHS).toEqual(['/var/log/server/', '/var/log/worker/']);
  });

  it('quotes what YAML would misread', () => {
    const config = buildDoraConfig({ ufopName: 'demo', image: 'demo:1', version: '1.10', desc: 'yes: #no' });
    const read = parse(doraConfigYaml(config));
    expect(read.verstr).toBe('1.10');
    expect(read.desc).toBe('yes: #no');
  });

  it.each([
    [{ ufopName: 'a/b', image: 'x', version: 'v1' }, /-n\/--name "a\/b"/],
    [{ ufopName: 'a', image: 'x y', version: 'v1' }, /-t\/--tag "x y"/],
    [{ ufopName: 'a', image: 'x', version: '' }, /-v\/--version ""/],
    [{ ufopName: 'a', image: 'x', version: 'v1', flavor: '4 cores' }, /--flavor "4 cores"/],
    [{ ufopName: 'a', image: 'x', version: 'v1', env: { FLAVOR: 'C9M9' } }, /--env FLAVOR: set it with --flavor/],
  ])('refuses %j', (input, message) => {
    expect(() => buildDoraConfig(input)).toThrow(CliError);
    expect(() => buildDoraConfig(input)).toThrow(message);
  });

  it('collects repeated --env KEY=VALUE flags, values may hold =', () => {
    expect(collectEnv('B=x=y', collectEnv('A=1'))).toEqual({ A: '1', B: 'x=y' });
    expect(() => collectEnv('=1')).toThrow('--env expects KEY=VALUE');
    expect(() => collectEnv('NOVALUE')).toThrow('--env expects KEY=VALUE');
  });
});
