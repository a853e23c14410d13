import { Command, CommandRunner, Option } from '../cli.decorators';
import { CliError } from '../cli.error';
import { deployChecks, doctorChecks, doctorContext } from '../doctor/doctor.checks';
import { formatReport, runChecks } from '../doctor/doctor.report';

interface DoctorOptions {
  deploy?: boolean;
  build?: boolean;
}

/**
 * `doctor`: checks what running and deploying this project needs, and says how to fix each problem.
 * Exits 1 when a check fails (a deploy would fail, or the project would not run); warnings alone exit 0.
 */
@Command({
  name: 'doctor',
  description: 'check this machine and project: for running and deploying, with a fix for each problem',
})
export class DoctorCommand extends CommandRunner {
  async run(_args: string[], options: DoctorOptions = {}): Promise<void> {
    const context = doctorContext();
    const checks = options.deploy ? deployChecks() : doctorChecks({ build: options.build });
    process.stdout.write(
      `qiniu-ufop doctor${options.deploy ? ' --deploy' : ''}: ${context.project?.root ?? process.cwd()}\n\n`,
    );
    const report = await runChecks(checks, context);
    process.stdout.write(formatReport(report));
    if (report.failed) {
      const failed = report.outcomes.filter((outcome) => outcome.status === 'fail').map((outcome) => outcome.name);
      const deploy = report.deployWouldFail ? '; a deploy would fail' : '';
      throw new CliError(`failed: ${failed.join(', ')}${deploy} (each with its fix above)`);
    }
  }

  @Option({
    flags: '--deploy',
    description:
      'only the checks a deploy needs (docker, qdoractl, Dockerfile, local dependencies), as deploy runs them',
  })
  parseDeploy(): boolean {
    return true;
  }

  @Option({ flags: '--no-build', description: 'skip the type check of the project (the slowest check)' })
  parseNoBuild(): boolean {
    return false;
  }
}
