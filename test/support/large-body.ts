import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ROOT } from './build';
import { procStatusNumber } from './proc-status';

const BLOCK = randomBytes(1024 * 1024);

/**
 * A deterministic stream of `size` bytes that never sits whole in the test's memory: 1 MiB blocks of the same
 * random bytes, each stamped with its index so that a reordered or repeated block changes the hash.
 */
export function patternStream(size: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= size) return void this.push(null);
      const length = Math.min(BLOCK.length, size - offset);
      const block = Buffer.from(BLOCK.subarray(0, length));
      block.writeUInt32BE((offset / BLOCK.length) >>> 0, 0);
      offset += length;
      this.push(block);
    },
  });
}

/** The SHA-256 of `patternStream(size)`. */
export async function patternHash(size: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of patternStream(size)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The SHA-256 of the answer's body, read as it arrives (never held whole). */
  hash: string;
  size: number;
  /** The first 4 KiB of the answer, for error messages. */
  head: string;
  /** Set when the connection failed before a full answer (a reset, say). */
  error?: string;
}

/**
 * POSTs a body (a Buffer, or a stream of `size` bytes with Content-Length) to /handler with node:http, hashing the
 * answer as it comes. Never throws: a reset or a broken connection is reported in `error`, which is what the tests
 * check does not happen.
 */
export function postBody(
  baseUrl: string,
  query: string,
  body: Buffer | { stream: Readable; size: number },
  headers: Record<string, string> = {},
): Promise<PostResult> {
  return new Promise((resolve) => {
    const size = Buffer.isBuffer(body) ? body.length : body.size;
    const req = httpRequest(new URL(`/handler?${query}`, baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size), ...headers },
    });
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('response', (res) => {
      const hash = createHash('sha256');
      let received = 0;
      let head = '';
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
        if (head.length < 4096) head += chunk.toString('utf8', 0, Math.min(chunk.length, 4096));
      });
      res.on('end', () =>
        finish({ status: res.statusCode ?? 0, headers: res.headers, hash: hash.digest('hex'), size: received, head }),
      );
      res.on('error', (error) =>
        finish({
          status: res.statusCode ?? 0,
          headers: res.headers,
          hash: '',
          size: received,
          head,
          error: error.message,
        }),
      );
    });
    // Writing may fail once the server has answered and stopped reading (that is allowed); the answer decides.
    req.on('error', (error) =>
      setTimeout(() => finish({ status: 0, headers: {}, hash: '', size: 0, head: '', error: error.message }), 50),
    );
    if (Buffer.isBuffer(body)) req.end(body);
    else body.stream.pipe(req);
  });
}

/** Peak resident memory (VmHWM) of a process, in MiB, from /proc. */
export function peakRssMiB(pid: number): number {
  return procStatusNumber(pid, 'VmHWM') / 1024;
}

/** The built sample (`node dist/sample/main.js`), as `npm start` runs it: what production memory looks like. */
export class SampleProcess {
  output = '';
  port = 0;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts it with exactly these variables (plus PATH): nothing from the test's environment leaks in. */
  static async start(env: Record<string, string>): Promise<SampleProcess> {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'sample', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sample = new SampleProcess(child);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const match = /listening on port (\d+)/.exec(sample.output);
      if (match) {
        sample.port = Number(match[1]);
        return sample;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the sample did not start:\n${sample.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
