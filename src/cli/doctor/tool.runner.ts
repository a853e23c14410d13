import { spawn } from 'node:child_process';

export interface ToolRun {
  /** The exit code; null when the tool could not be started or was stopped at the deadline. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the tool could not be started (ENOEXEC: a binary for another system; EACCES...). */
  spawnError?: NodeJS.ErrnoException;
}

/**
 * Runs a tool to completion with a deadline and collects its output, never throwing: a check turns any
 * outcome into an explanation. The tool's stdin is closed, so one that prompts (qdoractl login) cannot hang.
 */
export function runTool(
  command: string,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<ToolRun> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, timedOut, spawnError: error });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, stdout, stderr, timedOut });
    });
  });
}

/** The last few non-empty lines of a tool's output, for a report. */
export function lastLines(text: string, count = 6): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .slice(-count);
}
