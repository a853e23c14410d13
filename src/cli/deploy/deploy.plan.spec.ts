import { buildDoraConfig, doraConfigYaml } from '../dora/dora-config';
import { describeStep, planDeploy } from './deploy.plan';

describe('deploy plan', () => {
  const config = buildDoraConfig({ ufopName: 'demo', image: 'reg.example/demo:v2', version: 'v2' });

  it('writes dora.yaml, then docker build, qdoractl push, qdoractl release --config <dir>', () => {
    const steps = planDeploy({
      config,
      yaml: doraConfigYaml(config),
      configDir: 'deploy/',
      dockerfile: 'docker/Dockerfile',
    });
    expect(steps.map(describeStep)).toEqual([
      'write deploy/dora.yaml',
      'docker build -f docker/Dockerfile -t reg.example/demo:v2 .',
      'qdoractl push reg.example/demo:v2',
      'qdoractl release --config deploy/',
    ]);
    expect(steps[0]).toMatchObject({ kind: 'write', content: doraConfigYaml(config) });
  });

  it('puts dora.yaml in the project folder by default and quotes words a shell would split', () => {
    const steps = planDeploy({ config, yaml: '', configDir: '.', dockerfile: 'my docker/Dockerfile' });
    expect(describeStep(steps[0])).toBe('write dora.yaml');
    expect(describeStep(steps[1])).toBe("docker build -f 'my docker/Dockerfile' -t reg.example/demo:v2 .");
  });
});
