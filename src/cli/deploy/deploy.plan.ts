import { DoraConfig } from '../dora/dora-config';

export type DeployStep =
  | { title: string; kind: 'write'; path: string; content: string }
  | { title: string; kind: 'run'; command: string; args: string[] };

export interface DeployPlanInput {
  config: DoraConfig;
  /** The YAML text of `config`. */
  yaml: string;
  /** Folder dora.yaml goes to, as given to `qdoractl release --config`. */
  configDir: string;
  /** The Dockerfile to build, relative to the project root. */
  dockerfile: string;
}

/**
 * The four steps of a release, in order: write dora.yaml, build the image, push it to Qiniu's registry,
 * release the version from dora.yaml. Pure, so `--dry-run` prints exactly what a real run does.
 */
export function planDeploy({ config, yaml, configDir, dockerfile }: DeployPlanInput): DeployStep[] {
  const path = configDir === '.' ? 'dora.yaml' : `${configDir.replace(/\/+$/, '')}/dora.yaml`;
  return [
    { title: `write ${path}`, kind: 'write', path, content: yaml },
    {
      title: 'build the image',
      kind: 'run',
      command: 'docker',
      args: ['build', '-f', dockerfile, '-t', config.image, '.'],
    },
    { title: 'push the image', kind: 'run', command: 'qdoractl', args: ['push', config.image] },
    { title: 'release the version', kind: 'run', command: 'qdoractl', args: ['release', '--config', configDir] },
  ];
}

/** A step as a shell line, for printing. */
export function describeStep(step: DeployStep): string {
  if (step.kind === 'write') return `write ${step.path}`;
  return [step.command, ...step.args].map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
