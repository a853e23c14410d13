import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { Command, Option } from '../cli.decorators';
import { CliError } from '../cli.error';
import { describeStep, DeployStep, planDeploy } from '../deploy/deploy.plan';
import { defaultDockerfile } from '../deploy/default-dockerfile';
import { findExecutable } from '../deploy/tool.finder';
import { DEPLOY_TOOLS } from '../doctor/deploy-tools.checks';
import { deployChecks, doctorContext } from '../doctor/doctor.checks';
import { deployFailureMessage, runChecks } from '../doctor/doctor.report';
import { buildDoraConfig, doraConfigYaml } from '../dora/dora-config';
import { DoraConfigOptions, DoraOptionsCommand, toDoraInput } from '../dora/dora-options.command';
import { findProject } from '../runtime/ufop-project';

interface DeployOptions extends DoraConfigOptions {
  dryRun?: boolean;
  configDir?: string;
  dockerfile?: string;
}

/**
 * `deploy`: runs doctor's deploy checks (docker and its daemon, qdoractl logged in, the Dockerfile, local
 * dependencies) and stops with their explanation when one fails; then writes dora.yaml, runs `docker build`,
 * `qdoractl push <tag>`, `qdoractl release --config <dir>`, printing each step and stopping at the first that fails,
 * with its exit code. `--dry-run` prints the steps and dora.yaml and runs nothing.
 */
@Command({
  name: 'deploy',
  description: 'release this service on Qiniu dora: builds and pushes the image with docker, then runs qdoractl',
})
export class DeployCommand extends DoraOptionsCommand {
  async run(_args: string[], options: DeployOptions): Promise<void> {
    const config = buildDoraConfig(toDoraInput(options));
    const root = findProject(process.cwd()).root;
    const configDir = options.configDir ?? '.';
    const dockerfile = options.dockerfile ?? defaultDockerfile(root);
    const steps = planDeploy({ config, yaml: doraConfigYaml(config), configDir, dockerfile });
    const out = (line: string) => process.stdout.write(`${line}\n`);

    if (options.dryRun) {
      // A dry run starts nothing, not even `docker info`: it only notes the tools that are not on PATH.
      const missing = Object.keys(DEPLOY_TOOLS).filter((tool) => !findExecutable(tool));
      out(`dry run in ${root}: nothing is written or run`);
      steps.forEach((step, i) => out(`[${i + 1}/${steps.length}] ${describeStep(step)}`));
      out(`--- ${steps[0].kind === 'write' ? steps[0].path : 'dora.yaml'} ---`);
      process.stdout.write(doraConfigYaml(config));
      for (const tool of missing) out(`note: ${tool} is not on PATH: ${DEPLOY_TOOLS[tool]}`);
      return;
    }
    const report = await runChecks(deployChecks({ dockerfile: options.dockerfile }), doctorContext());
    if (report.failed) {
      // 127, as a shell answers a missing command, when a tool is missing altogether.
      const missingTool = report.outcomes.some((outcome) => outcome.status === 'fail' && outcome.missingTool);
      throw new CliError(
        `${deployFailureMessage(report)}\n(\`qiniu-ufop doctor\` checks everything; nothing was written or run)`,
        missingTool ? 127 : 1,
      );
    }

    for (const [i, step] of steps.entries()) {
      out(`[${i + 1}/${steps.length}] ${describeStep(step)}`);
      const code = await runStep(step, root);
      if (code !== 0) {
        throw new CliError(`step ${i + 1}/${steps.length} (${step.title}) failed with exit code ${code}`, code);
      }
    }
    out(
      `released ${config.ufopname} ${config.verstr} (${config.image}); start instances with: ` +
        `qdoractl deploy ${config.ufopname} ${config.verstr} --region z0 --expect 1`,
    );
  }

  @Option({
    flags: '--config-dir <dir>',
    description: 'where dora.yaml is written, for qdoractl release --config (default .)',
  })
  parseConfigDir(value: string): string {
    return value;
  }

  @Option({ flags: '--dockerfile <file>', description: 'the Dockerfile (default: Dockerfile, else docker/Dockerfile)' })
  parseDockerfile(value: string): string {
    return value;
  }

  @Option({ flags: '--dry-run', description: 'print the steps and dora.yaml; write and run nothing' })
  parseDryRun(): boolean {
    return true;
  }
}

/** Runs one step in the project folder; resolves with its exit code (128 + signal number when killed). */
async function runStep(step: DeployStep, root: string): Promise<number> {
  if (step.kind === 'write') {
    const file = resolve(root, step.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, step.content);
    const shown = relative(process.cwd(), file);
    process.stdout.write(`wrote ${shown && !shown.startsWith('..') ? shown : file}\n`);
    return 0;
  }
  return new Promise((done, fail) => {
    const child = spawn(findExecutable(step.command) ?? step.command, step.args, { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => fail(new CliError(`${step.command}: ${error.message}`)));
    child.on('close', (code, signal) => done(code ?? 128 + (signal ? signalNumber(signal) : 0)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}
