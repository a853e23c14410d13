import { findProject } from '../runtime/ufop-project';
import { projectEnv } from '../runtime/ufop-project';
import { dockerCheck, qdoractlCheck } from './deploy-tools.checks';
import { DoctorCheck, DoctorContext } from './doctor.check';
import { cpuFlavorCheck, nodeCheck, portCheck } from './environment.checks';
import { buildCheck, dockerfileCheck, handlersCheck, localDependenciesCheck } from './project.checks';
import { handoffCheck } from './handoff.check';
import { redisCheck } from './redis.check';

/** What a deploy needs, checked by `deploy` before it writes or runs anything (and by `doctor --deploy`): fast, no build. */
export function deployChecks(options: { dockerfile?: string } = {}): DoctorCheck[] {
  return [
    dockerCheck(),
    qdoractlCheck(),
    dockerfileCheck(options.dockerfile),
    localDependenciesCheck(options.dockerfile),
  ];
}

/** Everything `doctor` checks, in the order a new user meets the problems: run locally first, then deploy. */
export function doctorChecks(options: { build?: boolean } = {}): DoctorCheck[] {
  return [
    nodeCheck(),
    ...(options.build === false ? [] : [buildCheck]),
    handlersCheck,
    portCheck,
    redisCheck,
    handoffCheck,
    cpuFlavorCheck,
    ...deployChecks(),
  ];
}

/** The project around `cwd` (if any) and the environment its processes will see. */
export function doctorContext(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): DoctorContext {
  let project: DoctorContext['project'];
  try {
    project = findProject(cwd);
  } catch {
    project = undefined;
  }
  return { project, env: project ? projectEnv(project.root, env) : { ...env }, path: env.PATH ?? '' };
}
