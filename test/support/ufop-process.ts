import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ENTRY = join(__dirname, 'queue-app.main.ts');

/** A framework process (web, worker or all) started as a child, as `npm start` would in production. */
export class UfopProcess {
  output = '';
  /** Set once the process has exited. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  port?: number;

  private constructor(readonly child: ChildProcess) {
    const append = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = once(child, 'exit').then(([code, signal]) => (this.exit = { code, signal }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts the test app with `env` on top of this environment and waits until it is ready: listening (web, all)
   * or taking jobs (worker). Rejects with the process's output if it exits first.
   */
  static async start(env: Record<string, string>, launcher: string[] = []): Promise<UfopProcess> {
    const started = UfopProcess.spawn(env, launcher);
    const ready = env.UFOP_ROLE === 'worker' ? /worker started/ : /listening on port (\d+)/;
    const match = await started.waitFor(ready, 60_000);
    if (match[1]) started.port = Number(match[1]);
    return started;
  }

  /**
   * Starts without waiting for readiness (for processes expected to fail). `launcher` goes before node, such as
   * `ip netns exec <ns>`: it must exec node in its place, so that the child's pid is node's.
   */
  static spawn(env: Record<string, string>, launcher: string[] = [], entry = ENTRY): UfopProcess {
    const node = [process.execPath, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry];
    const [command, ...args] = [...launcher, ...node];
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', NO_COLOR: '1', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
      // Other entries (a load client) take their orders on stdin.
      stdio: [entry === ENTRY ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    return new UfopProcess(child);
  }

  /** Resolves with the first match of `pattern` in the output so far or to come. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output.match(pattern);
        if (match) {
          finish();
          resolve(match);
        } else if (this.exit) {
          finish();
          reject(new Error(`process exited (${JSON.stringify(this.exit)}) before ${pattern}:\n${this.output}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', check);
      };
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.on('exit', () => setImmediate(check));
      check();
    });
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  /** Ends the process for cleanup: SIGKILL unless it has exited already. */
  async kill(): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** POSTs to /handler and returns status, type and bytes (a failed connection throws). */
export async function callHandler(baseUrl: string, cmd: string, body?: Buffer, type = 'application/octet-stream') {
  const response = await fetch(`${baseUrl}/handler?cmd=${encodeURIComponent(cmd)}`, {
    method: 'POST',
    body: body ? new Uint8Array(body) : undefined,
    headers: body ? { 'content-type': type } : {},
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: bytes,
    json: () => JSON.parse(bytes.toString('utf8')),
  };
}

/** GET /health: its status and body. */
export async function health(baseUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
