import { findExecutable } from '../deploy/tool.finder';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';
import {
  DOCKER_INSTALL,
  DOCKER_TIMEOUT_FIX,
  dockerDaemonFix,
  QDORACTL_INSTALL,
  QDORACTL_LIST_FIX,
  QDORACTL_NOT_EXECUTABLE_FIX,
} from './doctor.messages';
import { lastLines, runTool } from './tool.runner';

/** How long `docker info` and `qdoractl list` may take: both answer in a second when things are well. */
export const TOOL_TIMEOUT_MS = 20_000;

/** The tools `deploy` runs, with what to say when one is not on PATH. */
export const DEPLOY_TOOLS: Record<string, string> = { docker: DOCKER_INSTALL, qdoractl: QDORACTL_INSTALL };

export const missingToolResult = (tool: string): CheckResult => ({
  status: 'fail',
  summary: `${tool} is not on PATH`,
  fix: DEPLOY_TOOLS[tool],
  missingTool: true,
});

/** `docker` on PATH, and its daemon reachable: `docker build` and `qdoractl push` both need the daemon. */
export function dockerCheck(timeoutMs = TOOL_TIMEOUT_MS): DoctorCheck {
  return {
    name: 'docker',
    deploy: true,
    async run({ env, path }: DoctorContext): Promise<CheckResult> {
      const docker = findExecutable('docker', path);
      if (!docker) return missingToolResult('docker');
      const info = await runTool(docker, ['info', '--format', '{{.ServerVersion}}'], {
        timeoutMs,
        env: { ...process.env, ...env, PATH: path },
      });
      if (info.timedOut) {
        return {
          status: 'fail',
          summary: `\`docker info\` did not answer within ${timeoutMs / 1000} s`,
          fix: DOCKER_TIMEOUT_FIX(env),
        };
      }
      if (info.spawnError || info.code !== 0) {
        const output = `${info.stderr}\n${info.stdout}\n${info.spawnError?.message ?? ''}`;
        return {
          status: 'fail',
          summary: `docker is installed (${docker}) but its daemon is not reachable`,
          fix: dockerDaemonFix(output, env),
          details: lastLines(output, 4),
        };
      }
      const version = info.stdout.trim().split('\n')[0];
      return { status: 'ok', summary: `docker daemon reachable${version ? ` (server ${version})` : ''}` };
    },
  };
}

/** `qdoractl` on PATH, and logged in: `qdoractl list` reads its configuration and asks Qiniu for the UFOPs. */
export function qdoractlCheck(timeoutMs = TOOL_TIMEOUT_MS): DoctorCheck {
  return {
    name: 'qdoractl',
    deploy: true,
    async run({ env, path }: DoctorContext): Promise<CheckResult> {
      const qdoractl = findExecutable('qdoractl', path);
      if (!qdoractl) return missingToolResult('qdoractl');
      const list = await runTool(qdoractl, ['list'], { timeoutMs, env: { ...process.env, ...env, PATH: path } });
      if (list.spawnError) {
        return {
          status: 'fail',
          summary: `${qdoractl} cannot be run (${list.spawnError.code ?? list.spawnError.message})`,
          fix: QDORACTL_NOT_EXECUTABLE_FIX,
        };
      }
      if (list.timedOut) {
        return {
          status: 'fail',
          summary: `\`qdoractl list\` did not answer within ${timeoutMs / 1000} s`,
          fix: QDORACTL_LIST_FIX,
        };
      }
      if (list.code !== 0) {
        return {
          status: 'fail',
          summary: `\`qdoractl list\` failed (exit code ${list.code}): qdoractl is not logged in or cannot reach Qiniu`,
          fix: QDORACTL_LIST_FIX,
          details: lastLines(`${list.stderr}\n${list.stdout}`, 4),
        };
      }
      return { status: 'ok', summary: `qdoractl works (${qdoractl}; \`qdoractl list\` answered)` };
    },
  };
}
