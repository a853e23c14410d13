import { ChildProcess, ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI, ROOT } from './build';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to this process's environment (a value of undefined removes the variable). */
  env?: Record<string, string | undefined>;
  /** Replaces the environment entirely (PATH included). */
  exactEnv?: Record<string, string>;
  /** Written to the child's stdin, which is then closed. */
  input?: Buffer | string;
  /** Flags given to `node` before the CLI's script (`node --flag …/main.js runserver`). */
  nodeFlags?: string[];
}

function childEnv(options: CliOptions): NodeJS.ProcessEnv {
  if (options.exactEnv) return options.exactEnv;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** `node [flags] <built CLI> args…`, as a user would start it from a shell. */
function spawnCli(args: string[], options: CliOptions): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...(options.nodeFlags ?? []), CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options),
  });
}

/** Runs the built `qiniu-ufop` binary to completion, as a user would from a shell. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(options.input ?? '');
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout: Buffer.concat(stdout), stderr };
}

/** A long-running CLI command (runserver, runworker) with its combined output. */
export class CliProcess {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    const append = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      for (const waiter of this.waiters) waiter();
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = once(child, 'exit').then(([code, signal]) => {
      for (const waiter of this.waiters) waiter();
      return { code, signal };
    });
  }

  static start(args: string[], options: CliOptions = {}): CliProcess {
    return new CliProcess(spawnCli(args, options));
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** Resolves with every match of `pattern` once there are `count` of them; rejects if the process exits first. */
  waitFor(pattern: RegExp, count = 1): Promise<RegExpMatchArray[]> {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    return new Promise((resolve, reject) => {
      const check = () => {
        const matches = [...this.output.matchAll(global)];
        if (matches.length >= count) {
          this.waiters.delete(check);
          resolve(matches);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.waiters.delete(check);
          reject(new Error(`exited before printing ${pattern} ×${count}:\n${this.output}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Stops the process (SIGTERM, then SIGKILL if it has not exited after `graceMs`). */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `url` until it answers 200 (the service is up) or the process exits. */
export async function waitForHealthy(url: string, proc?: CliProcess, attempts = 600): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (proc && proc.child.exitCode !== null) throw new Error(`exited before ${url} was healthy:\n${proc.output}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never answered 200${proc ? `:\n${proc.output}` : ''}`);
}
